/** `name:version`, how configuration refers to one registered model version. */
export function modelVersionKey(name: string, version: number | string): string {
    return `${name}:${version}`;
}
