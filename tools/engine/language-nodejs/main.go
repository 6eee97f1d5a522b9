// Command pulumi-language-nodejs is the project's own, minimal Node.js language host for the
// engine lane. The upstream host (module github.com/pulumi/pulumi/sdk/nodejs/cmd/
// pulumi-language-nodejs/v3) is refused by the Go module proxy this project can reach, so this
// one is written against the published LanguageRuntime gRPC protocol (sdk/v3 proto/go) and
// the Node.js SDK's own runner (node_modules/@pulumi/pulumi/cmd/run), which does the real work:
// it compiles index.ts with ts-node and the project's TypeScript and talks to the engine.
//
// What it does: Handshake (records the engine address), GetPluginInfo, GetRequiredPackages
// (resource plugins declared by the SDK packages in node_modules: "pulumi": {"resource": true,
// "name", "version"}), Run (spawns the runner with the engine's arguments and config) and
// About. Everything else answers Unimplemented. It is NOT upstream's host: no dependency
// installation, no package-manager detection, no debugger, no plugin mode.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/emptypb"
)

// version is set at build time to the CLI's version (-X main.version=...).
var version = "0.0.0-dev"

// bailExitCode: the Node.js runner has already reported the error to the engine
// (@pulumi/pulumi cmd/run: nodeJSProcessExitedAfterLoggingUserActionableMessage).
const bailExitCode = 32

type host struct {
	pulumirpc.UnimplementedLanguageRuntimeServer
	engineAddress string
}

func main() {
	h := &host{}
	args := os.Args[1:]
	// The engine passes flags (ignored here) and, last, its own address.
	if len(args) > 0 && !strings.HasPrefix(args[len(args)-1], "-") {
		h.engineAddress = args[len(args)-1]
	}
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Init: func(s *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(s, h)
			return nil
		},
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-nodejs: %v\n", err)
		os.Exit(1)
	}
	fmt.Printf("%d\n", handle.Port)
	if err := <-handle.Done; err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-nodejs: %v\n", err)
		os.Exit(1)
	}
}

func (h *host) Handshake(
	_ context.Context, req *pulumirpc.LanguageHandshakeRequest,
) (*pulumirpc.LanguageHandshakeResponse, error) {
	h.engineAddress = req.EngineAddress
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

func (h *host) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: strings.TrimPrefix(version, "v")}, nil
}

func programDir(info *pulumirpc.ProgramInfo, pwd string) string {
	if info != nil && info.ProgramDirectory != "" {
		return info.ProgramDirectory
	}
	return pwd
}

func (h *host) GetRequiredPackages(
	_ context.Context, req *pulumirpc.GetRequiredPackagesRequest,
) (*pulumirpc.GetRequiredPackagesResponse, error) {
	deps, err := resourcePlugins(filepath.Join(programDir(req.Info, ""), "node_modules"))
	if err != nil {
		return nil, err
	}
	return &pulumirpc.GetRequiredPackagesResponse{Packages: deps}, nil
}

type packageJSON struct {
	Name   string `json:"name"`
	Pulumi *struct {
		Resource bool   `json:"resource"`
		Name     string `json:"name"`
		Version  string `json:"version"`
		Server   string `json:"server"`
	} `json:"pulumi"`
}

// resourcePlugins reads node_modules/<pkg>/package.json and node_modules/@scope/<pkg>/package.json.
func resourcePlugins(nodeModules string) ([]*pulumirpc.PackageDependency, error) {
	var files []string
	for _, pattern := range []string{"*/package.json", "@*/*/package.json"} {
		m, err := filepath.Glob(filepath.Join(nodeModules, pattern))
		if err != nil {
			return nil, err
		}
		files = append(files, m...)
	}
	seen := map[string]bool{}
	var deps []*pulumirpc.PackageDependency
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		var pkg packageJSON
		if json.Unmarshal(data, &pkg) != nil || pkg.Pulumi == nil || !pkg.Pulumi.Resource {
			continue
		}
		name := pkg.Pulumi.Name
		if name == "" {
			name = strings.TrimPrefix(pkg.Name, "@pulumi/")
		}
		key := name + "@" + pkg.Pulumi.Version
		if seen[key] {
			continue
		}
		seen[key] = true
		deps = append(deps, &pulumirpc.PackageDependency{
			Name: name, Kind: "resource", Version: pkg.Pulumi.Version, Server: pkg.Pulumi.Server,
		})
	}
	return deps, nil
}

// runnerPath finds node_modules/@pulumi/pulumi/cmd/run from the program directory upwards.
func runnerPath(dir string) (string, error) {
	for d := dir; ; d = filepath.Dir(d) {
		p := filepath.Join(d, "node_modules", "@pulumi", "pulumi", "cmd", "run")
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("@pulumi/pulumi is not installed under %s: run npm ci", dir)
		}
	}
}

func (h *host) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	dir := programDir(req.Info, req.Pwd)
	runner, err := runnerPath(dir)
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	entry := "."
	if req.Info != nil && req.Info.EntryPoint != "" {
		entry = req.Info.EntryPoint
	}
	args := []string{runner,
		"--monitor", req.MonitorAddress, "--engine", h.engineAddress,
		"--project", req.Project, "--stack", req.Stack, "--pwd", req.Pwd,
		"--organization", req.Organization, "--parallel", strconv.Itoa(int(req.Parallel)),
	}
	if req.Info != nil && req.Info.RootDirectory != "" {
		args = append(args, "--root-directory", req.Info.RootDirectory)
	}
	if req.DryRun {
		args = append(args, "--dry-run")
	}
	args = append(append(args, entry), req.Args...)

	config, err := json.Marshal(req.Config)
	if err != nil {
		return nil, err
	}
	secretKeys, err := json.Marshal(req.ConfigSecretKeys)
	if err != nil {
		return nil, err
	}
	typescript := "true"
	if req.Info != nil && req.Info.Options != nil {
		if v, ok := req.Info.Options.AsMap()["typescript"].(bool); ok && !v {
			typescript = "false"
		}
	}
	cmd := exec.CommandContext(ctx, "node", args...)
	cmd.Dir = req.Pwd
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	cmd.Env = append(os.Environ(),
		"PULUMI_CONFIG="+string(config),
		"PULUMI_CONFIG_SECRET_KEYS="+string(secretKeys),
		"PULUMI_NODEJS_TYPESCRIPT="+typescript,
	)
	if err := cmd.Run(); err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			if exit.ExitCode() == bailExitCode {
				return &pulumirpc.RunResponse{Bail: true}, nil
			}
			return &pulumirpc.RunResponse{
				Error: fmt.Sprintf("Program exited with non-zero exit code: %d", exit.ExitCode()),
			}, nil
		}
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	return &pulumirpc.RunResponse{}, nil
}

func (h *host) About(context.Context, *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	node, err := exec.LookPath("node")
	if err != nil {
		return nil, err
	}
	out, err := exec.Command(node, "--version").Output()
	if err != nil {
		return nil, err
	}
	return &pulumirpc.AboutResponse{Executable: node, Version: strings.TrimSpace(string(out))}, nil
}
