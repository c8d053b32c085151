// Public surface of @omni/governor: filled in by its issue.
export {};
