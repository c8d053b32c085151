import { omniBuild } from '../../tsup.shared';

// defaultModelPath() uses import.meta.url; the shim makes it work in the CJS build too.
export default omniBuild({ shims: true });
