package content

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"path"
	"slices"
	"strings"
	"unicode"
)

// validate runs the checks that need the whole catalog: references between
// entries, uniqueness across files, and the state of translations.
func validate(cat *Catalog, entries []*Entry, report *Report) {
	add := func(file string, line int, warning bool, format string, args ...any) {
		*report = append(*report, Problem{File: file, Line: line, Message: fmt.Sprintf(format, args...), Warning: warning})
	}
	topics := map[string]*Topic{}
	for _, t := range cat.Topics {
		if prev, dup := topics[t.ID]; dup && t.ID != "" {
			add(t.File, 1, false, "topic id %q is also used in %s", t.ID, prev.File)
		}
		topics[t.ID] = t
	}
	for _, e := range entries {
		if e.ID == "" {
			continue
		}
		if prev, dup := cat.Entries[e.ID]; dup {
			add(e.File, e.Line, false, "duplicate id %q (first defined at %s:%d)", e.ID, prev.File, prev.Line)
			continue
		}
		cat.Entries[e.ID] = e
	}
	for _, e := range entries {
		checkEntry(cat, e, add)
	}
	checkExamples(cat, add)
	checkUnusedAudio(cat, add)
	if len(cat.Signals.Danger["nb"]) == 0 && len(cat.Entries) > 0 {
		add("signals.yaml", 1, true, "no nb danger phrases: emergencies in free text will not be recognised")
	}
}

func checkEntry(cat *Catalog, e *Entry, add func(string, int, bool, string, ...any)) {
	for _, r := range e.Related {
		if cat.Entries[r] == nil {
			add(e.File, e.Line, false, "entry %s: related id %q does not exist", e.ID, r)
		}
		if r == e.ID {
			add(e.File, e.Line, false, "entry %s lists itself as related", e.ID)
		}
	}
	for _, a := range e.Actions {
		if a.Source != "" && !slices.ContainsFunc(e.Sources, func(s Source) bool { return s.URL == a.Source }) {
			add(e.File, a.Line, false, "entry %s: source %s of %s is not listed in sources", e.ID, a.Source, a.Key())
		}
	}
	hash := e.SourceHash()
	for _, lang := range Languages() {
		t := e.Text[lang]
		switch {
		case t == nil:
			add(e.File, e.Line, true, "entry %s has no %s translation", e.ID, lang)
			continue
		case lang == "nb":
		case t.From == "":
			add(e.File, t.Line, true, "entry %s: %s translation has no from hash (run content stamp after checking it)", e.ID, lang)
		case t.From != hash:
			add(e.File, t.Line, true, "entry %s: %s translation is stale: the nb text changed since it was translated", e.ID, lang)
		}
		checkAudio(cat, e, lang, t, hash, add)
		for i, k := range t.Keywords {
			if strings.IndexFunc(k, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) < 0 {
				add(e.File, t.Line, false, "entry %s: %s keyword %d is empty", e.ID, lang, i+1)
			}
		}
		for key := range t.Labels {
			if !slices.ContainsFunc(e.Actions, func(a Action) bool { return a.Key() == key }) {
				add(e.File, t.Line, true, "entry %s: %s label for %q matches no action", e.ID, lang, key)
			}
		}
	}
}

// checkAudio checks the recording of one translation: its file is there,
// is the file it was recorded as, and reads the current nb text.
func checkAudio(cat *Catalog, e *Entry, lang string, t *Text, hash string, add func(string, int, bool, string, ...any)) {
	a := t.Audio
	if a == nil {
		return
	}
	data, ok := cat.File(a.File)
	switch {
	case path.Dir(a.File) != AudioDir || !ok:
		add(e.File, a.Line, false, "entry %s: %s recording %s is not in the content's %s folder", e.ID, lang, a.File, AudioDir)
	case len(data) > MaxAudio:
		add(e.File, a.Line, false, "entry %s: %s recording %s is larger than %d MB", e.ID, lang, a.File, MaxAudio>>20)
	case AudioSum(data) != a.SHA256:
		add(e.File, a.Line, false, "entry %s: %s recording %s does not match its sha256: the file was changed or replaced", e.ID, lang, a.File)
	case !IsVoice(data):
		add(e.File, a.Line, false, "entry %s: %s recording %s is not an OGG voice note", e.ID, lang, a.File)
	case a.From != hash:
		add(e.File, a.Line, true, "entry %s: %s recording is stale: the nb text changed since it was recorded, so it is not offered", e.ID, lang)
	}
}

// checkUnusedAudio warns of recordings no text names: left behind, they
// only make every version larger.
func checkUnusedAudio(cat *Catalog, add func(string, int, bool, string, ...any)) {
	used := map[string]bool{}
	for _, e := range cat.Entries {
		for _, t := range e.Text {
			if t.Audio != nil {
				used[t.Audio.File] = true
			}
		}
	}
	for _, name := range slices.Sorted(maps.Keys(cat.files)) {
		if path.Dir(name) == AudioDir && !used[name] {
			add(name, 1, true, "recording %s is not used by any entry", name)
		}
	}
}

// AudioSum is the checksum a text's audio: records for its file.
func AudioSum(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// IsVoice reports whether data looks like a voice note as Telegram sends
// and plays it: an OGG stream.
func IsVoice(data []byte) bool { return bytes.HasPrefix(data, []byte("OggS")) }
