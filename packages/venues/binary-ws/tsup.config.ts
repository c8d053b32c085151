import { omniBuild } from '../../../tsup.shared';

export default omniBuild();
