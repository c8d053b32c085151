import { omniProject } from '../../vitest.shared';

export default omniProject('sweep-queue');
