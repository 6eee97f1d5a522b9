//go:build tools

// Package tools pins the Pulumi CLI's main package so that `go build` can
// build it from this wrapper module (see scripts/engine.sh).
package tools

import _ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
