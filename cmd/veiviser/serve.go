package main

import (
	"context"
	"errors"
	"io"
)

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer, env []string) error {
	return errors.New("serve: the Telegram adapter is not built yet")
}
