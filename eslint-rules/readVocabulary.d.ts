/** Types for readVocabulary.js. */
export declare const READ_METHODS: ReadonlySet<string>;
export declare const READ_WORDS: ReadonlySet<string>;
export declare const DISCRIMINANTS: ReadonlySet<string>;
export declare const DENIED_KEYS: ReadonlySet<string>;
export declare function isReadWord(s: string): boolean;
export declare function frameProblem(text: string): string | null;
