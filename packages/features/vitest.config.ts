import { omniProject } from '../../vitest.shared';

export default omniProject('features', { setupFiles: ['./vitest.setup.ts'] });
