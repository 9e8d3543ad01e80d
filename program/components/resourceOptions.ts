import * as pulumi from "@pulumi/pulumi";

/**
 * Options for a child that holds state worth keeping (data, secrets, registered models): when the
 * stack asks for protection, Pulumi refuses to delete it and a removal from the program leaves it
 * in Azure. Driven by configuration, never by the stack's name.
 */
export function statefulChild(parent: pulumi.Resource, protect: boolean): pulumi.CustomResourceOptions {
    return { parent, protect, retainOnDelete: protect };
}
