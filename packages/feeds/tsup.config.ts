import { omniBuild } from '../../tsup.shared';

// import.meta.url in the CJS build (bundledFxPath finds the package folder from it).
export default omniBuild({ shims: true });
