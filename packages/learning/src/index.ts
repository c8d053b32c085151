// Public surface of @omni/learning: filled in by its issue.
export {};
