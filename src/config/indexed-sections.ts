/**
 * The sections of a big config file read through its index (src/config/ini-index.ts): a lookup
 * finds the section's header in the index text, then reads that section alone from the file
 * (a few KB from its offset), instead of the whole file at every start: `export` on a config
 * of 10,000 profiles read and decoded ~1 MB for one profile.
 *
 * Every piece read is checked: the file must still be the one indexed (its identity, from the
 * descriptor the piece was read through) and the piece must start with the header of the
 * section asked for. Otherwise the index no longer stands for the file, and the views fall back
 * to the checking pass over the whole file as it is now, as a run without an index does (with
 * its errors), provided it gives what the run already read through the index.
 */
import type { Deps } from '../deps.js';
import type { CheckedFile, FileStats } from './ini-index.js';
import { type IniSections, sectionFromPiece } from './ini.js';
import type { Section } from './shared-config.js';

/** A section's name in a view, or undefined to leave it out (IniSections.renamed). */
export type SectionView = (section: string) => string | undefined;

/** The `VIEW OFFSET NAME` lines of an index: content.slice(from, to). */
export interface IndexLines {
  readonly content: string;
  readonly from: number;
  readonly to: number;
}

/** What the views of one indexed file share: the file as the caller reads it, its index lines, and its identity check. */
export interface IndexedFile extends CheckedFile {
  readonly lines: IndexLines;
  /** Whether stats (of the descriptor a piece was read through) are those of the indexed file. */
  isIndexed(stats: FileStats): boolean;
}

/** A run asks for a handful of names (a profile, its sources, an sso-session); past this, the whole file is read once. */
const MANY_LOOKUPS = 32;
/** A section's header line and options are rarely more than a few hundred bytes. */
const FIRST_PIECE_BYTES = 4096;
/** The digits of an offset: a safe integer. */
const OFFSET_DIGITS = /^\d{1,15}$/;
/** A piece may end inside a character; only its last, unfinished line can hold the U+FFFD that makes. */
const pieceDecoder = new TextDecoder('utf-8', { ignoreBOM: true });

/** The views of an indexed file, sharing the sections read so far. */
export function indexedViews(deps: Pick<Deps, 'fs'>, file: IndexedFile): ReadonlyMap<string, Section>[] {
  const reader = new SectionReader(deps, file);
  reader.views.push(...file.views.map((_, view) => new IndexedSections(reader, view)));
  return reader.views;
}

/**
 * Reads sections by header offset, once each, until a piece shows that the index does not stand
 * for the file. From then on every view answers from the whole file, and only if it agrees with
 * all the views answered from the index so far: a run never mixes two versions of the file (it
 * fails instead, as that file changed under it), nor answers from the index after a failed read.
 */
class SectionReader {
  /** By header offset: the header's section name and its options. */
  private readonly built = new Map<number, { readonly name: string; readonly section: Section }>();
  private whole: IniSections[] | undefined;
  /** Set once a piece did not match or the whole file could not be read and checked. */
  private failed = false;
  private failure: { readonly error: unknown } | undefined;
  readonly views: IndexedSections[] = [];
  /** Names looked up in the index so far, in every view. */
  lookups = 0;

  constructor(
    private readonly deps: Pick<Deps, 'fs'>,
    readonly file: IndexedFile,
  ) {}

  /** The views from the checking pass, once the index has failed or the file was read whole (undefined while the index stands alone). */
  get fallback(): IniSections[] | undefined {
    return this.whole ?? (this.failed ? this.checkWhole() : undefined);
  }

  /** The section whose header line starts at `offset`, named `name` in `view`; undefined (and the index failed) when the file disagrees. */
  section(offset: number, view: number, name: string): Section | undefined {
    let known = this.built.get(offset);
    if (known === undefined) {
      known = this.readSection(offset);
      if (known !== undefined) this.built.set(offset, known);
    }
    // Checked at every lookup: two lines of a damaged index may give one offset.
    if (known !== undefined && this.file.views[view]?.(known.name) === name) return known.section;
    this.failed = true;
    return undefined;
  }

  /** The whole file, checked: for an index that failed, and for walking every section. */
  checkWhole(): IniSections[] {
    if (this.whole !== undefined) return this.whole;
    if (this.failure !== undefined) throw this.failure.error;
    try {
      const whole = this.file.checkWhole(this.read(0, Number.MAX_SAFE_INTEGER)?.bytes);
      if (!this.views.every((view, number) => view.agreesWith(whole[number]))) throw this.file.changedWhileRead();
      return (this.whole = whole);
    } catch (error) {
      this.failed = true;
      this.failure = { error };
      throw error;
    }
  }

  private read(position: number, length: number): ReturnType<Deps['fs']['readRangeSync']> {
    try {
      return this.deps.fs.readRangeSync(this.file.path, position, length);
    } catch (error) {
      throw this.file.cannotRead(error);
    }
  }

  private readSection(offset: number): { name: string; section: Section } | undefined {
    for (let length = FIRST_PIECE_BYTES; ; length *= 4) {
      const read = this.read(offset, length);
      if (read === undefined || !this.file.isIndexed(read.stats)) return undefined;
      const atEnd = offset + read.bytes.length >= read.stats.size;
      const piece = sectionFromPiece(pieceDecoder.decode(read.bytes), atEnd);
      if (piece === undefined) return undefined;
      if (piece.complete) return piece;
    }
  }
}

/** One view of an indexed file: botocore's profile map, a section read when first asked for. */
class IndexedSections implements ReadonlyMap<string, Section> {
  /** What this view answered from the index: each name looked up, and the list of names. */
  private readonly found = new Map<string, Section | undefined>();
  private listed: string[] | undefined;
  private readonly viewCode: number;

  constructor(
    private readonly reader: SectionReader,
    private readonly view: number,
  ) {
    this.viewCode = 0x30 + view;
  }

  get size(): number {
    return this.names().length;
  }

  has(name: string): boolean {
    return this.get(name) !== undefined;
  }

  get(name: string): Section | undefined {
    const fallback = this.reader.fallback;
    if (fallback !== undefined) return fallback[this.view]?.get(name);
    if (this.found.has(name)) return this.found.get(name);
    // Many names (listing every profile): one read of the whole file costs less than a search of the index and a read each.
    if (++this.reader.lookups > MANY_LOOKUPS) return this.reader.checkWhole()[this.view]?.get(name);
    const offset = this.offsetOf(name);
    if (offset === undefined) {
      this.found.set(name, undefined);
      return undefined;
    }
    const section = this.reader.section(offset, this.view, name);
    // The index does not stand for the file: from here on, every view answers from the file.
    if (section === undefined) return this.reader.checkWhole()[this.view]?.get(name);
    this.found.set(name, section);
    return section;
  }

  keys(): MapIterator<string> {
    return this.names().values();
  }

  /** Walking every section: the whole file, checked (rare: listing profiles). */
  entries(): MapIterator<[string, Section]> {
    return this.checked().entries();
  }

  values(): MapIterator<Section> {
    return this.checked().values();
  }

  [Symbol.iterator](): MapIterator<[string, Section]> {
    return this.entries();
  }

  forEach(callback: (section: Section, name: string, map: ReadonlyMap<string, Section>) => void, thisArg?: unknown): void {
    this.checked().forEach((section, name) => callback.call(thisArg, section, name, this));
  }

  private checked(): ReadonlyMap<string, Section> {
    return this.reader.checkWhole()[this.view] ?? new Map<string, Section>();
  }

  /** The names of this view, in file order: from the index while it stands. */
  private names(): string[] {
    const fallback = this.reader.fallback;
    if (fallback !== undefined) return [...(fallback[this.view]?.keys() ?? [])];
    if (this.listed !== undefined) return this.listed;
    const { content, from, to } = this.reader.file.lines;
    const names: string[] = [];
    for (let at = from; at < to; ) {
      const end = content.indexOf('\n', at);
      if (content.charCodeAt(at) === this.viewCode) names.push(content.slice(content.indexOf(' ', at + 2) + 1, end));
      at = end + 1;
    }
    return (this.listed = names);
  }

  /** Whether this view of the whole file gives every answer this view gave from the index. */
  agreesWith(whole: IniSections | undefined): boolean {
    for (const [name, section] of this.found) if (!sameSection(section, whole?.get(name))) return false;
    if (this.listed === undefined) return true;
    const names = [...(whole?.keys() ?? [])];
    return names.length === this.listed.length && names.every((name, i) => name === this.listed?.[i]);
  }

  /** This view's line `VIEW OFFSET NAME`, if any. ` NAME\n` may also end a longer name's line, whose "offset" then holds a space. */
  private offsetOf(name: string): number | undefined {
    // No section name holds a line break; such a needle could span two lines of the index.
    if (name.includes('\n')) return undefined;
    const { content, from, to } = this.reader.file.lines;
    const needle = ` ${name}\n`;
    for (let at = content.indexOf(needle, from); at >= 0 && at < to; at = content.indexOf(needle, at + 1)) {
      const lineStart = content.lastIndexOf('\n', at) + 1;
      if (content.charCodeAt(lineStart) !== this.viewCode || content.charCodeAt(lineStart + 1) !== 0x20) continue;
      const digits = content.slice(lineStart + 2, at);
      if (OFFSET_DIGITS.test(digits)) return Number(digits);
    }
    return undefined;
  }
}

/** Whether two sections hold the same options (nested blocks compared key by key). */
function sameSection(a: Section | undefined, b: Section | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((key) => {
    const x = a[key];
    const y = b[key];
    if (typeof x === 'string' || typeof y === 'string' || x === undefined || y === undefined) return x === y;
    const nested = Object.keys(x);
    return nested.length === Object.keys(y).length && nested.every((inner) => Object.hasOwn(y, inner) && x[inner] === y[inner]);
  });
}
