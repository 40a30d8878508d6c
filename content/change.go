package content

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"maps"
	"path"
	"slices"
	"strings"
	"testing/fstest"
)

// Limits on an uploaded catalog, so a wrong or hostile upload cannot
// exhaust memory.
// With recordings a catalog is a few megabytes; 20 MB is the most a bot
// may download from Telegram.
const (
	MaxUpload      = 20 << 20
	maxZipEntries  = 1024
	maxUnzipped    = 64 << 20
	maxZipFileSize = maxFileSize
)

// Stage builds a candidate catalog from the current one with an uploaded
// file applied: one topic file (name.yaml) replaces or adds that file; a
// .zip replaces the whole catalog. The result is fully validated; on
// errors the report says what is wrong, file:line, and nothing changes.
func Stage(current *Catalog, name string, data []byte) (*Catalog, Report, error) {
	if len(data) > MaxUpload {
		return nil, nil, fmt.Errorf("stage: the file is larger than %d MB", MaxUpload>>20)
	}
	files := map[string][]byte{}
	switch ext := strings.ToLower(path.Ext(name)); ext {
	case ".yaml", ".yml":
		maps.Copy(files, current.Files())
		files[path.Base(strings.TrimSuffix(name, ext))+".yaml"] = data
	case ".zip":
		var err error
		if files, err = unzip(data); err != nil {
			return nil, nil, err
		}
	default:
		return nil, nil, fmt.Errorf("stage: send a .yaml topic file or a .zip of the catalog, not %q", ext)
	}
	fsys := fstest.MapFS{}
	for n, d := range files {
		fsys[n] = &fstest.MapFile{Data: d}
	}
	return Load(fsys)
}

// FromFiles loads a catalog from file contents, e.g. a published version
// kept in the database.
func FromFiles(files map[string][]byte) (*Catalog, Report, error) { return load(mapFS(files), loadNow) }

// FromCheckedFiles is FromFiles for files that were checked whole before
// (a staged upload, a published version): the examples and concepts files,
// most of the bytes, are read only when the matcher first needs them.
func FromCheckedFiles(files map[string][]byte) (*Catalog, Report, error) {
	return load(mapFS(files), loadLater)
}

func mapFS(files map[string][]byte) fstest.MapFS {
	fsys := fstest.MapFS{}
	for n, d := range files {
		fsys[n] = &fstest.MapFile{Data: d}
	}
	return fsys
}

func unzip(data []byte) (map[string][]byte, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("stage: not a zip file: %w", err)
	}
	if len(zr.File) > maxZipEntries {
		return nil, fmt.Errorf("stage: the zip has %d files; at most %d", len(zr.File), maxZipEntries)
	}
	files := map[string][]byte{}
	total := 0
	for _, f := range zr.File {
		base, limit := path.Base(f.Name), uint64(maxZipFileSize)
		switch {
		case f.FileInfo().IsDir() || strings.HasPrefix(base, "."):
			continue // folders, editor files
		case path.Base(path.Dir(f.Name)) == AudioDir:
			base, limit = AudioDir+"/"+base, MaxAudio
		case !strings.HasSuffix(base, ".yaml"):
			continue // READMEs
		}
		if f.UncompressedSize64 > limit {
			return nil, fmt.Errorf("stage: %s is larger than %d bytes", base, limit)
		}
		rc, err := f.Open()
		if err != nil {
			return nil, fmt.Errorf("stage: %s: %w", base, err)
		}
		b, err := io.ReadAll(io.LimitReader(rc, int64(limit)+1))
		rc.Close()
		total += len(b)
		if err != nil || uint64(len(b)) > limit || total > maxUnzipped {
			return nil, fmt.Errorf("stage: %s is too large or unreadable", base)
		}
		if _, dup := files[base]; dup {
			return nil, fmt.Errorf("stage: %s appears twice in the zip", base)
		}
		files[base] = b
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("stage: the zip has no .yaml files")
	}
	return files, nil
}

// Diff is what a new catalog changes compared with the one in use.
type Diff struct {
	Added, Changed, Removed []string // entry IDs
	Languages               []string // languages whose texts changed
	Stale                   []string // "id/lang" translations that became stale
}

// Compare lists the differences between two catalogs.
func Compare(old, cur *Catalog) Diff {
	var d Diff
	langs := map[string]bool{}
	for _, id := range cur.IDs() {
		o, n := old.Entry(id), cur.Entry(id)
		if o == nil {
			d.Added = append(d.Added, id)
			for l := range n.Text {
				langs[l] = true
			}
			continue
		}
		changed := false
		for _, l := range Languages() {
			ot, nt := o.Text[l], n.Text[l]
			if (ot == nil) != (nt == nil) || ot != nil && (ot.Title != nt.Title || ot.Body != nt.Body || ot.Status != nt.Status ||
				!slices.Equal(ot.Keywords, nt.Keywords) || audioSum(ot) != audioSum(nt)) {
				changed, langs[l] = true, true
			}
			if n.Stale(l) && !o.Stale(l) {
				d.Stale = append(d.Stale, id+"/"+l)
			}
		}
		if changed || !slices.Equal(o.Related, n.Related) || len(o.Actions) != len(n.Actions) {
			d.Changed = append(d.Changed, id)
		}
	}
	for _, id := range old.IDs() {
		if cur.Entry(id) == nil {
			d.Removed = append(d.Removed, id)
		}
	}
	for _, l := range Languages() {
		if langs[l] {
			d.Languages = append(d.Languages, l)
		}
	}
	return d
}

// Summary is a short line for staff and the version list.
func (d Diff) Summary() string {
	parts := []string{}
	add := func(label string, ids []string) {
		if len(ids) > 0 {
			parts = append(parts, fmt.Sprintf("%s %d (%s)", label, len(ids), strings.Join(ids[:min(5, len(ids))], ", ")))
		}
	}
	add("+", d.Added)
	add("~", d.Changed)
	add("−", d.Removed)
	if len(d.Languages) > 0 {
		parts = append(parts, "languages: "+strings.Join(d.Languages, " "))
	}
	if len(d.Stale) > 0 {
		parts = append(parts, fmt.Sprintf("newly stale translations: %d", len(d.Stale)))
	}
	if len(parts) == 0 {
		return "no changes"
	}
	return strings.Join(parts, "; ")
}

func audioSum(t *Text) string {
	if t.Audio == nil {
		return ""
	}
	return t.Audio.SHA256
}
