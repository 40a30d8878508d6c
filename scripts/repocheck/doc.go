// Package repocheck runs the checks over the whole module that are not Go
// tests of one package: staticcheck, govulncheck, and builds for other
// systems. They run in CI (CI=true) or with VEIVISER_REPOCHECK=1, since
// fetching the tools takes a minute or two; `go test ./...` elsewhere skips
// them, saying so. It has no code of its own, only its tests.
package repocheck
