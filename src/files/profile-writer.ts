// Moved beside the INI reader (src/config/profile-writer.ts); this path stays until its importers move.
export * from '../config/profile-writer.js';
