package locales

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"

	"github.com/BurntSushi/toml"
	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"

	"github.com/veiviser/veiviser/content"
)

//go:embed *.toml
var files embed.FS

var names = map[string]string{
	"nb": "Norsk", "en": "English", "ar": "العربية", "so": "Soomaali", "ti": "ትግርኛ",
	"fa": "فارسی / دری", "uk": "Українська", "ur": "اردو", "pl": "Polski", "th": "ไทย",
}

// Name is the name of a language in its own script, as shown in the language menu.
func Name(lang string) string {
	if n, ok := names[lang]; ok {
		return n
	}
	return lang
}

// Strings translates interface messages into the launch languages.
type Strings struct {
	bundle     *i18n.Bundle
	localizers map[string]*i18n.Localizer
	matcher    language.Matcher
	matchLangs []string // matcher index → launch language
}

// Load reads the embedded message files.
func Load() (*Strings, error) { return LoadFS(files) }

// LoadFS reads the message files of fsys: active.<lang>.toml for what the
// women see, advisors.<lang>.toml for the advisors' group and staff.
func LoadFS(fsys fs.FS) (*Strings, error) {
	b := i18n.NewBundle(language.English)
	b.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	names, err := fs.Glob(fsys, "*.toml")
	if err != nil {
		return nil, fmt.Errorf("list locales: %w", err)
	}
	for _, name := range names {
		if _, err := b.LoadMessageFileFS(fsys, name); err != nil {
			return nil, fmt.Errorf("load locale %s: %w", name, err)
		}
	}
	s := &Strings{bundle: b, localizers: map[string]*i18n.Localizer{}}
	// English first: it is the fallback for a language nobody here speaks.
	launch := append([]string{"en"}, slices.DeleteFunc(content.Languages(), func(l string) bool { return l == "en" })...)
	for _, lang := range launch {
		s.localizers[lang] = i18n.NewLocalizer(b, lang, "en", "nb")
	}
	// Norwegian is asked for as nb, no or nn (Nynorsk readers read Bokmål);
	// the matcher's index, not its tag, tells which launch language won.
	var tags []language.Tag
	for _, lang := range launch {
		tags = append(tags, language.MustParse(lang))
		s.matchLangs = append(s.matchLangs, lang)
	}
	// Dari (prs) is Persian as written in Afghanistan: the fa texts serve it.
	for _, extra := range [][2]string{{"no", "nb"}, {"nn", "nb"}, {"prs", "fa"}} {
		tags = append(tags, language.MustParse(extra[0]))
		s.matchLangs = append(s.matchLangs, extra[1])
	}
	s.matcher = language.NewMatcher(tags)
	return s, nil
}

// T returns message id in lang, filled with data. A message missing in lang
// falls back to English, then Norwegian; a message missing everywhere
// returns its ID, so a gap shows up in tests instead of an empty reply.
func (s *Strings) T(lang, id string, data map[string]any) string {
	l, ok := s.localizers[lang]
	if !ok {
		l = s.localizers["en"]
	}
	cfg := &i18n.LocalizeConfig{MessageID: id, TemplateData: data}
	if n, ok := data["N"]; ok {
		// A count named N picks the plural form ("1 problem", "3 problems").
		cfg.PluralCount = n
	}
	msg, err := l.Localize(cfg)
	var notFound *i18n.MessageNotFoundErr
	if err != nil && !errors.As(err, &notFound) || msg == "" {
		return id
	}
	return msg
}

// Match picks the launch language for a Telegram language_code such as
// "ar", "fa-IR", "nn" or "". sure is false when the code was empty or
// matched nothing, so the caller should ask her with the language menu.
func (s *Strings) Match(code string) (lang string, sure bool) {
	code = strings.TrimSpace(code)
	if code == "" {
		return "en", false
	}
	_, i, conf := s.matcher.Match(language.Make(code))
	if conf == language.No {
		return "en", false
	}
	return s.matchLangs[i], true
}
