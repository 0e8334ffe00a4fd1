// Moved to validate/programs/ so the validator CLI (`--programs`) and the tests share one copy.
export * from '../../validate/programs/nats-server';
