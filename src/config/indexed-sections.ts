/**
 * The sections of a big config file read through its index (src/config/ini-index.ts): a lookup
 * finds the section's header in the index text, then reads that section alone from the file
 * (a few KB from its offset), instead of the whole file at every start: `export` on a config
 * of 10,000 profiles read and decoded ~1 MB for one profile.
 *
 * Every piece read is checked: the file must still be the one indexed (its identity, from the
 * descriptor the piece was read through) and the piece must start with the header of the
 * section asked for. Otherwise the index no longer stands for the file, and the views fall back
 * to the checking pass over the whole file as it is now, as a run without an index does.
 */
import type { Deps } from '../deps.js';
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

/** What the views of one indexed file share. */
export interface IndexedFile {
  readonly path: string;
  readonly views: readonly SectionView[];
  readonly lines: IndexLines;
  /** Whether stats (of the descriptor a piece was read through) are those of the indexed file. */
  isIndexed(stats: Awaited<ReturnType<Deps['fs']['stat']>>): boolean;
  /** The checking pass over the file as it is now, each view (a missing file: no sections). */
  checkWhole(bytes: Uint8Array | undefined): IniSections[];
}

/** A section's header line and options are rarely more than a few hundred bytes. */
const FIRST_PIECE_BYTES = 4096;
/** The digits of an offset: a safe integer. */
const OFFSET_DIGITS = /^\d{1,15}$/;
/** A piece may end inside a character; only its last, unfinished line can hold the U+FFFD that makes. */
const pieceDecoder = new TextDecoder('utf-8', { ignoreBOM: true });

/** The views of an indexed file, sharing the sections read so far. */
export function indexedViews(deps: Pick<Deps, 'fs'>, file: IndexedFile): ReadonlyMap<string, Section>[] {
  const reader = new SectionReader(deps, file);
  return file.views.map((_, view) => new IndexedSections(reader, view));
}

/** Reads sections by header offset, once each, until a piece shows that the index does not stand for the file. */
class SectionReader {
  private readonly built = new Map<number, Section>();
  private whole: IniSections[] | undefined;

  constructor(
    private readonly deps: Pick<Deps, 'fs'>,
    readonly file: IndexedFile,
  ) {}

  /** The views from the checking pass, once the index has failed (undefined while it stands). */
  get fallback(): IniSections[] | undefined {
    return this.whole;
  }

  /** The section whose header line starts at `offset`, named `name` in `view`; undefined once the index has failed. */
  section(offset: number, view: number, name: string): Section | undefined {
    const known = this.built.get(offset);
    if (known !== undefined) return known;
    const section = this.readSection(offset, view, name);
    if (section !== undefined) this.built.set(offset, section);
    return section;
  }

  /** The whole file, checked: for an index that failed, and for walking every section. */
  checkWhole(): IniSections[] {
    if (this.whole !== undefined) return this.whole;
    const read = this.deps.fs.readRangeSync(this.file.path, 0, Number.MAX_SAFE_INTEGER);
    return (this.whole = this.file.checkWhole(read?.bytes));
  }

  private readSection(offset: number, view: number, name: string): Section | undefined {
    for (let length = FIRST_PIECE_BYTES; ; length *= 4) {
      const read = this.deps.fs.readRangeSync(this.file.path, offset, length);
      if (read === undefined || !this.file.isIndexed(read.stats)) return undefined;
      const atEnd = offset + read.bytes.length >= read.stats.size;
      const piece = sectionFromPiece(pieceDecoder.decode(read.bytes), atEnd);
      if (piece === undefined) return undefined;
      if (piece.complete) return this.file.views[view]?.(piece.name) === name ? piece.section : undefined;
    }
  }
}

/** One view of an indexed file: botocore's profile map, a section read when first asked for. */
class IndexedSections implements ReadonlyMap<string, Section> {
  private readonly found = new Map<string, Section | undefined>();
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
    const { content, from, to } = this.reader.file.lines;
    const names: string[] = [];
    for (let at = from; at < to; ) {
      const end = content.indexOf('\n', at);
      if (content.charCodeAt(at) === this.viewCode) names.push(content.slice(content.indexOf(' ', at + 2) + 1, end));
      at = end + 1;
    }
    return names;
  }

  /** This view's line `VIEW OFFSET NAME`, if any. ` NAME\n` may also end a longer name's line, whose "offset" then holds a space. */
  private offsetOf(name: string): number | undefined {
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
