import { omniBuild } from '../../tsup.shared';

export default omniBuild({ entry: ['src/index.ts', 'src/testing.ts'] });
