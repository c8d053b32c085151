// Public surface of @omni/sequence: filled in by its issue.
export {};
