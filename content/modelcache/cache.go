// Package modelcache keeps what the matcher learned in a file beside the
// database, so that a restart maps that file instead of training again:
// the bot understands free text from its first second rather than after
// seconds of training, and the learned numbers take no heap, only the
// pages of the file that answering reads. The file holds one model, for
// one version of the content, the settings and the program (see
// match.ModelKey); anything else there is trained over.
package modelcache

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"

	"github.com/veiviser/veiviser/content/match"
)

// Cache is a model file.
type Cache struct {
	path    string
	program func() ([]byte, error) // the running program's hash: a new build trains again
	log     *slog.Logger
}

// New returns the cache in the file path. The program is told apart by
// the hash of its executable, so a model is never read by code that
// would have trained another; it is read when the first matcher is asked
// for, not here, to keep start-up short.
func New(path string, log *slog.Logger) *Cache {
	// A run stopped while writing the model leaves its temporary file.
	stale, _ := filepath.Glob(path + ".*.tmp")
	for _, name := range stale {
		os.Remove(name)
	}
	return &Cache{path: path, program: sync.OnceValues(programHash), log: log}
}

// programHash is the SHA-256 of the running executable.
func programHash() ([]byte, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("model cache: %w", err)
	}
	f, err := os.Open(exe)
	if err != nil {
		return nil, fmt.Errorf("model cache: %w", err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return nil, fmt.Errorf("model cache: read the program: %w", err)
	}
	return h.Sum(nil), nil
}

// Matcher returns the matcher for the content whose files hash to
// digest: read from the file when it holds that content's model (lean is
// the content's corpus without its examples, which is all reading needs),
// else trained on full(), written to the file and read back, so that the
// trained copy on the heap can go. Whatever goes wrong with the file, it
// returns a trained matcher.
func (c *Cache) Matcher(digest []byte, lean *match.Corpus, full func() *match.Corpus) *match.Matcher {
	set := match.DefaultSettings()
	program, err := c.program()
	if err != nil {
		c.log.Warn("the matcher trains at every start", "err", err)
		return match.NewWithSettings(full(), set)
	}
	key := match.ModelKey(digest, set, program)
	m, err := c.read(lean, set, key)
	if err == nil {
		c.log.Info("matcher read from its model file", "file", c.path)
		return m
	}
	if !errors.Is(err, os.ErrNotExist) {
		c.log.Info("model file not used: training again", "reason", err)
	}
	trained := match.NewWithSettings(full(), set)
	if err := c.write(trained, key); err != nil {
		c.log.Warn("model file not written", "err", err)
		return trained
	}
	c.log.Info("matcher trained, model file written", "file", c.path)
	if m, err := c.read(lean, set, key); err == nil {
		return m
	}
	return trained
}

// The file is the model, then the SHA-256 of the model: a file cut short
// or altered on disk is trained over, never read.
const sumSize = sha256.Size

func (c *Cache) write(m *match.Matcher, key [32]byte) error {
	f, err := os.CreateTemp(filepath.Dir(c.path), filepath.Base(c.path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("model cache: %w", err)
	}
	defer os.Remove(f.Name()) // after the rename, there is nothing left to remove
	h := sha256.New()
	err = m.WriteModel(io.MultiWriter(f, h), key)
	if err == nil {
		_, err = f.Write(h.Sum(nil))
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), c.path)
	}
	if err != nil {
		return fmt.Errorf("model cache: %w", err)
	}
	return nil
}

// read maps the file and reads the matcher from it. The checksum is
// checked by reading the file, not the mapping, which would bring every
// page of it into memory.
func (c *Cache) read(corpus *match.Corpus, set match.Settings, key [32]byte) (*match.Matcher, error) {
	f, err := os.Open(c.path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	size := info.Size()
	if size < sumSize {
		return nil, errors.New("model cache: file too short")
	}
	h := sha256.New()
	if _, err := io.Copy(h, io.LimitReader(f, size-sumSize)); err != nil {
		return nil, err
	}
	sum := make([]byte, sumSize)
	if _, err := io.ReadFull(f, sum); err != nil {
		return nil, err
	}
	if !bytes.Equal(sum, h.Sum(nil)) {
		return nil, errors.New("model cache: checksum does not match")
	}
	data, unmap, err := mapFile(f, int(size))
	if err != nil {
		return nil, err
	}
	m, err := match.NewFromModel(corpus, set, data[:size-sumSize], key)
	if err != nil {
		unmap()
		return nil, err
	}
	// The mapping stays for as long as the process runs: unmapping it when
	// the matcher is collected could pull it from under a search still
	// reading it. Only the catalog serve starts with is read from here, so
	// there is one mapping, and should that catalog be replaced, the pages
	// of its mapping are clean pages of a file the system can take back.
	return m, nil
}
