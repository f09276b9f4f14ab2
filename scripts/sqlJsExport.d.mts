/** Types of scripts/sqlJsExport.mjs (for its test). */
export declare const EXPORT_ALLOCATION: string;
export declare function withExportBuffer(text: string, file?: string): string;
