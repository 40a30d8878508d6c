package content

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
)

// Refusal is an entry of a translation spreadsheet that Import left alone,
// and why.
type Refusal struct {
	Row    int    // spreadsheet row of the problem; the header is row 1
	ID     string // entry ID, when the row has one
	Reason string
}

func (r Refusal) String() string { return fmt.Sprintf("row %d: %s", r.Row, r.Reason) }

// ImportReport says what Import did with each entry of a spreadsheet.
type ImportReport struct {
	Lang      string
	Added     []string  // entries that got their first translation in Lang
	Updated   []string  // entries whose Lang translation was replaced
	Unchanged []string  // entries whose rows say what the files say already
	Skipped   []string  // entries with no translated text in the sheet
	Refused   []Refusal // problems; an entry with any is left as it was
}

// Import reads a translation spreadsheet made by Export (saved as CSV by
// any spreadsheet program) and writes its translations into lang blocks of
// the topic files in dir: status (reviewed only when every row of the
// entry says so, otherwise draft), from (the sheet's source_hash), title,
// body, keywords and labels. Every other line of the files stays as it
// was. An entry whose rows have problems, or whose Norwegian text changed
// since the export, is refused and left alone; the others are imported.
// Import checks the result before writing and loads dir again after; if
// that fails it puts the original files back and returns the errors, so a
// bad sheet never breaks the catalog.
func Import(dir, lang string, r io.Reader) (ImportReport, error) {
	return importSheet(dir, lang, r, nil)
}

// importSheet is Import; afterWrite, when a test sets it, runs between
// writing the files and loading them again, to stand for another program
// editing them.
func importSheet(dir, lang string, r io.Reader, afterWrite func(dir string)) (ImportReport, error) {
	rep := ImportReport{Lang: lang}
	if lang == "nb" || !KnownLanguage(lang) {
		return rep, fmt.Errorf("import: %q is not a translation language (use one of %v)", lang, Languages()[1:])
	}
	rows, err := readSheet(r)
	if err != nil {
		return rep, fmt.Errorf("import: %w", err)
	}
	files, err := readYAMLFiles(dir)
	if err != nil {
		return rep, fmt.Errorf("import: %w", err)
	}
	base := overlayFS{FS: os.DirFS(dir), files: files}
	before, _, err := Load(base)
	if err != nil {
		return rep, fmt.Errorf("import: %s has errors already; fix them first: %w", dir, err)
	}
	plans := plan(before, lang, rows, &rep)
	changed, err := applyPlans(files, lang, plans, &rep)
	if err != nil || len(changed) == 0 {
		return rep, err
	}
	after, _, err := Load(overlayFS{FS: base.FS, files: merged(files, changed)})
	if err == nil {
		err = verifyImport(before, after, lang, plans, &rep)
	}
	if err != nil {
		rep.Added, rep.Updated = nil, nil
		return rep, fmt.Errorf("import: nothing was written, the result would not load: %w", err)
	}
	if err := writeFiles(dir, changed); err != nil {
		return restore(dir, files, changed, &rep, err)
	}
	if afterWrite != nil {
		afterWrite(dir)
	}
	if _, _, err := Load(os.DirFS(dir)); err != nil {
		return restore(dir, files, changed, &rep, err)
	}
	return rep, nil
}

// applyPlans edits the files of the planned entries and returns the new
// contents of the files that changed. Entries that cannot be edited move
// from the plan to rep.Refused; the others to rep.Added or rep.Updated.
func applyPlans(files map[string][]byte, lang string, plans []planned, rep *ImportReport) (map[string][]byte, error) {
	byFile := map[string]map[string]*planned{}
	for i := range plans {
		p := &plans[i]
		if byFile[p.entry.File] == nil {
			byFile[p.entry.File] = map[string]*planned{}
		}
		byFile[p.entry.File][p.entry.ID] = p
	}
	changed := map[string][]byte{}
	refused := map[string]string{}
	for name, ps := range byFile {
		out, why, err := editFile(files[name], lang, ps)
		if err != nil {
			return nil, fmt.Errorf("import: edit %s: %w", name, err)
		}
		for id, reason := range why {
			refused[id] = reason
		}
		if len(why) < len(ps) {
			changed[name] = out
		}
	}
	for _, p := range plans {
		switch reason, bad := refused[p.entry.ID]; {
		case bad:
			rep.Refused = append(rep.Refused, Refusal{Row: p.row, ID: p.entry.ID, Reason: p.entry.ID + ": " + reason})
		case p.added:
			rep.Added = append(rep.Added, p.entry.ID)
		default:
			rep.Updated = append(rep.Updated, p.entry.ID)
		}
	}
	return changed, nil
}

// restore puts back the files an import changed, after cause.
func restore(dir string, orig, changed map[string][]byte, rep *ImportReport, cause error) (ImportReport, error) {
	back := map[string][]byte{}
	for name := range changed {
		back[name] = orig[name]
	}
	rep.Added, rep.Updated = nil, nil
	if err := writeFiles(dir, back); err != nil {
		return *rep, fmt.Errorf("import: %w; putting the files back failed too: %w", cause, err)
	}
	return *rep, fmt.Errorf("import: the files were put back as they were: %w", cause)
}

// readYAMLFiles reads the *.yaml files at the root of dir, as Load does.
func readYAMLFiles(dir string) (map[string][]byte, error) {
	fsys := os.DirFS(dir)
	names, err := fs.Glob(fsys, "*.yaml")
	if err != nil {
		return nil, err
	}
	if len(names) == 0 {
		if _, err := os.Stat(dir); err != nil {
			return nil, err
		}
		return nil, fmt.Errorf("no *.yaml content files in %s", dir)
	}
	files := map[string][]byte{}
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		if len(data) > maxFileSize {
			return nil, fmt.Errorf("%s is larger than %d bytes", name, maxFileSize)
		}
		files[name] = data
	}
	return files, nil
}

// writeFiles replaces each file through a temporary file and a rename, so
// a reader never sees half a file.
func writeFiles(dir string, files map[string][]byte) error {
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	slices.Sort(names)
	var errs []error
	for _, name := range names {
		path := filepath.Join(dir, name)
		mode := fs.FileMode(0o644)
		if fi, err := os.Stat(path); err == nil {
			mode = fi.Mode().Perm()
		}
		tmp := path + ".import.tmp"
		err := os.WriteFile(tmp, files[name], mode)
		if err == nil {
			err = os.Rename(tmp, path)
		}
		if err != nil {
			os.Remove(tmp)
			errs = append(errs, fmt.Errorf("write %s: %w", name, err))
		}
	}
	return errors.Join(errs...)
}

// WriteDir makes the content directory dir hold exactly files: it writes
// the files that differ from what is there (each replaced whole, through
// a temporary file), and removes the topic files and recordings that are
// no longer part of the content, so that what was published from Telegram
// (a volunteer's review, a recording) is what the directory holds after a
// restart or a reload. Other files (README, .git) are left alone.
func WriteDir(dir string, files map[string][]byte) error {
	changed := map[string][]byte{}
	for name, data := range files {
		if old, err := os.ReadFile(filepath.Join(dir, name)); err != nil || !bytes.Equal(old, data) {
			changed[name] = data
		}
	}
	for name := range changed {
		if path.Dir(name) == AudioDir {
			if err := os.MkdirAll(filepath.Join(dir, AudioDir), 0o755); err != nil {
				return fmt.Errorf("write content: %w", err)
			}
			break
		}
	}
	if err := writeFiles(dir, changed); err != nil {
		return fmt.Errorf("write content: %w", err)
	}
	var errs []error
	for _, pattern := range []string{"*.yaml", AudioDir + "/*"} {
		names, _ := fs.Glob(os.DirFS(dir), pattern)
		for _, name := range names {
			if _, keep := files[name]; !keep {
				if err := os.Remove(filepath.Join(dir, name)); err != nil {
					errs = append(errs, err)
				}
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("write content: %w", err)
	}
	return nil
}

// overlayFS is a directory whose *.yaml files are read from memory.
type overlayFS struct {
	fs.FS
	files map[string][]byte
}

// ReadFile returns the in-memory copy of a file.
func (o overlayFS) ReadFile(name string) ([]byte, error) {
	if data, ok := o.files[name]; ok {
		return data, nil
	}
	return nil, &fs.PathError{Op: "read", Path: name, Err: fs.ErrNotExist}
}

// Glob lists the in-memory files, so Load sees exactly them.
func (o overlayFS) Glob(pattern string) ([]string, error) {
	var out []string
	for name := range o.files {
		if ok, err := filepath.Match(pattern, name); err != nil {
			return nil, err
		} else if ok {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out, nil
}

func merged(files, changed map[string][]byte) map[string][]byte {
	out := make(map[string][]byte, len(files))
	for name, data := range files {
		out[name] = data
	}
	for name, data := range changed {
		out[name] = data
	}
	return out
}
