package content

import (
	"strings"
	"testing"
	"testing/fstest"
)

// FuzzLoad feeds arbitrary bytes as a content file: the loader must never
// panic, and every problem must point into the file.
func FuzzLoad(f *testing.F) {
	f.Add([]byte(validTopic))
	f.Add([]byte("signals:\n  danger:\n    nb: [slår meg]\n"))
	f.Add([]byte("centre:\n  hours:\n    - days: mon-fri\n      open: \"10:00\"\n      close: \"09:00\"\n"))
	f.Add([]byte("topic: [\n"))
	f.Add([]byte("entries:\n  - id: x\n    text: {nb: 1}\n"))
	f.Add([]byte("examples:\n  lang: nb\n  entries:\n    legal-aid: [\"gratis advokat\", \"gratis advokat!\"]\n  danger:\n    acute: [hjelp]\n    not-acute: [hjelp]\n  small-talk:\n    ok: [\"👍\"]\n"))
	f.Add([]byte("concepts:\n  lang: th\n  words:\n    hit: [\"ตี*\", \"ผัวตี\", \"*\", \"ab*\"]\n"))
	f.Add([]byte(strings.Replace(validTopic, "        keywords: [alfa]\n", "        keywords: [alfa]\n      en:\n        status: draft\n        title: A\n        body: Text.\n"+
		"        reviewed_by: Amina\n        reviewed_on: 2026-12-07\n        audio: {file: audio/a.en.ogg, sha256: 00, from: 11}\n", 1)))
	f.Fuzz(func(t *testing.T, data []byte) {
		// With a recording beside it, so its checks run too.
		_, report, err := Load(fstest.MapFS{"f.yaml": {Data: data}, "audio/a.en.ogg": {Data: []byte("OggS")}})
		if err != nil && len(report.Errors()) == 0 {
			t.Fatalf("error without a problem in the report: %v", err)
		}
		for _, p := range report.Errors() {
			if p.File != "f.yaml" && p.File != "audio/a.en.ogg" || p.Line < 0 {
				t.Fatalf("problem not located in the file: %s", p)
			}
		}
	})
}
