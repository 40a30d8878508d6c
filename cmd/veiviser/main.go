// Command veiviser runs the Veiviser bot and its tools: a terminal chat
// (shell), one-off questions (ask), content checks, and the Telegram
// service (serve). main only wires packages together.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Environ())
	stop()
	os.Exit(code)
}

const usage = `usage: veiviser <command> [flags]

commands:
  shell [--lang CODE] [--db PATH]     chat with the bot in this terminal
  ask [--lang CODE] [--json] TEXT…    match one question (TEXT "-": one per line from stdin)
  content check [DIR]                 validate content (default: the embedded catalog)
  content stats [DIR]                 translations per language, reviewed and stale
  content stamp --lang CODE [--all] DIR   record that translations follow the current nb text
  content export --lang CODE [--stale] [--content DIR] [-o FILE]   translation spreadsheet (CSV)
  content import --lang CODE [--dir DIR] FILE.csv   merge a filled-in spreadsheet into DIR
  stats [--db PATH] [--lang nb|en]    staff figures from the database (as /stats)
  serve                               run the Telegram bot (configuration in README)
  version                             print the version
`

// run executes one command and returns the process exit code.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, env []string) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	var err error
	switch args[0] {
	case "shell":
		err = runShell(ctx, args[1:], stdin, stdout)
	case "ask":
		err = runAsk(args[1:], stdin, stdout)
	case "content":
		err = runContent(args[1:], stdout, stderr)
	case "stats":
		err = runStats(ctx, args[1:], stdout)
	case "serve":
		err = runServe(ctx, args[1:], stdout, stderr, env)
	case "version":
		fmt.Fprintln(stdout, "veiviser", version)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
	default:
		fmt.Fprintf(stderr, "veiviser: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	if err != nil {
		if err != errReported {
			fmt.Fprintln(stderr, "veiviser:", err)
		}
		return 1
	}
	return 0
}

// errReported means the command already printed why it failed.
var errReported = fmt.Errorf("failed")
