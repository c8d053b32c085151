import { omniProject } from '../../../vitest.shared';

export default omniProject('venue-deriv');
