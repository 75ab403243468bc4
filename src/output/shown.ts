// Moved to src/domain/text.ts; this path stays until the CLI files import it from there.
export { shown, terminalSafe } from '../domain/text.js';
