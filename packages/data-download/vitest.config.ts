import { omniProject } from '../../vitest.shared';

export default omniProject('data-download');
