import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";

/** One file of a folder: its path relative to the folder (always with '/'), and where it is on disk. */
export interface FolderFile {
    readonly relativePath: string;
    readonly absolutePath: string;
}

/**
 * Left out of uploads and hashes: what tools leave behind (.DS_Store, editor and VCS files,
 * Python caches) would otherwise make the same model hash differently on another machine.
 */
function isMachineLitter(name: string): boolean {
    return name.startsWith(".") || name === "__pycache__" || name.endsWith(".pyc") || name === "Thumbs.db";
}

/** Every file under `dir`, in a stable order, so that hashes and resource names never depend on the file system. */
export function listFolderFiles(dir: string): FolderFile[] {
    const files: FolderFile[] = [];
    const walk = (current: string, prefix: string) => {
        for (const entry of fs.readdirSync(current, { withFileTypes: true })) {
            if (isMachineLitter(entry.name)) continue;
            const absolutePath = path.join(current, entry.name);
            const relativePath = prefix ? `${prefix}/${entry.name}` : entry.name;
            if (entry.isSymbolicLink()) {
                throw new Error(`${absolutePath} is a symbolic link; copy the file into the folder (links are not uploaded)`);
            }
            if (entry.isDirectory()) walk(absolutePath, relativePath);
            else if (entry.isFile()) files.push({ relativePath, absolutePath });
        }
    };
    walk(dir, "");
    return files.sort((a, b) => (a.relativePath < b.relativePath ? -1 : a.relativePath > b.relativePath ? 1 : 0));
}

/**
 * SHA-256 over every file's relative path and bytes. Any change to any file, a rename included,
 * changes it; nothing else does (timestamps, permissions, the folder's location).
 */
export function folderContentHash(files: readonly FolderFile[]): string {
    return contentHashOf(files.map((file) => ({ relativePath: file.relativePath, content: fs.readFileSync(file.absolutePath) })));
}

/** The same hash over files already in memory (e.g. downloaded from storage), in the folder's order. */
export function contentHashOf(files: readonly { readonly relativePath: string; readonly content: Buffer }[]): string {
    const hash = createHash("sha256");
    for (const file of files) {
        hash.update(`${file.relativePath}\0${file.content.length}\0`);
        hash.update(file.content);
    }
    return hash.digest("hex");
}
