import * as pulumi from "@pulumi/pulumi";

/**
 * Declares resources one after another, in the order of their stable keys (never list order, so
 * reordering config changes nothing). For children of one endpoint: the endpoint takes one
 * operation at a time, and concurrent deployment operations would be refused with 409.
 */
export function declareInSequence<T, R extends pulumi.Resource>(
    items: readonly T[],
    key: (item: T) => string,
    declare: (item: T, dependsOn: R[]) => R,
): R[] {
    const declared: R[] = [];
    for (const item of [...items].sort((a, b) => key(a).localeCompare(key(b)))) {
        const previous = declared[declared.length - 1];
        declared.push(declare(item, previous ? [previous] : []));
    }
    return declared;
}
