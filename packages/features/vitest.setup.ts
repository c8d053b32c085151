import fc from 'fast-check';

// Property tests are deterministic: one fixed seed for every fc.assert in this package.
fc.configureGlobal({ seed: 20_260_425 });
