// The API keys of outside systems live with the rest of authentication (src/auth/api-keys.ts).
export * from '../auth/api-keys.ts';
