/** The solc standard-JSON settings of every artifact. */
export declare const SETTINGS: Readonly<Record<string, unknown>>;
/** Compiles contracts/*.sol with solc-js; returns `{ [fileName]: text }` of the artifacts as they are written. */
export declare function compileContracts(): Record<string, string>;
