//go:build tools

// Package engine pins the Pulumi CLI this project builds from source (see README.md here).
package engine

import _ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
