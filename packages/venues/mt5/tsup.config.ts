import { omniBuild } from '../../../tsup.shared';

// Two entries: the package, and `./testing` (the fake EA for other packages' tests).
export default omniBuild({ entry: ['src/index.ts', 'src/testing.ts'] });
