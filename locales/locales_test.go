package locales

import (
	"io/fs"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"

	"github.com/veiviser/veiviser/content"
)

func TestMatch(t *testing.T) {
	s, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		code     string
		want     string
		wantSure bool
	}{
		{"ar", "ar", true},
		{"fa-IR", "fa", true},
		{"fa", "fa", true},
		{"nb", "nb", true},
		{"no", "nb", true},
		{"nn", "nb", true},
		{"prs", "fa", true},
		{"fa-AF", "fa", true},
		{"ru", "en", false},
		{"nb-NO", "nb", true},
		{"en-GB", "en", true},
		{"uk", "uk", true},
		{"so", "so", true},
		{"ti", "ti", true},
		{"th", "th", true},
		{"ur", "ur", true},
		{"pl", "pl", true},
		{"pt-BR", "en", false},
		{"zh-Hans", "en", false},
		{"", "en", false},
		{"not a tag!!", "en", false},
	}
	for _, tt := range tests {
		got, sure := s.Match(tt.code)
		if got != tt.want || sure != tt.wantSure {
			t.Errorf("Match(%q) = %q, %v; want %q, %v", tt.code, got, sure, tt.want, tt.wantSure)
		}
	}
}

// TestEveryLanguageHasEveryMessage reads the message files directly: go-i18n
// would silently fall back to English for a missing message.
func TestEveryLanguageHasEveryMessage(t *testing.T) {
	read := func(lang string) map[string]map[string]string {
		data, err := fs.ReadFile(files, "active."+lang+".toml")
		if err != nil {
			t.Fatalf("%s: %v", lang, err)
		}
		var m map[string]map[string]string
		if err := toml.Unmarshal(data, &m); err != nil {
			t.Fatalf("active.%s.toml: %v", lang, err)
		}
		return m
	}
	en := read("en")
	for _, lang := range content.Languages() {
		msgs := read(lang)
		for id, m := range en {
			got := msgs[id]["other"]
			if strings.TrimSpace(got) == "" {
				t.Errorf("active.%s.toml: message %s is missing", lang, id)
				continue
			}
			for _, ph := range []string{"{{.Language}}", "{{.Topic}}", "{{.Hours}}"} {
				if strings.Contains(m["other"], ph) != strings.Contains(got, ph) {
					t.Errorf("active.%s.toml: %s must use %s exactly as English does", lang, id, ph)
				}
			}
		}
		if days := strings.Split(msgs["Weekdays"]["other"], ","); len(days) != 7 {
			t.Errorf("active.%s.toml: Weekdays has %d names, want 7", lang, len(days))
		}
		for id := range msgs {
			if _, ok := en[id]; !ok {
				t.Errorf("active.%s.toml: message %s is not in English", lang, id)
			}
		}
	}
}

func TestIsolate(t *testing.T) {
	tests := []struct{ lang, in, want string }{
		{"ar", "اتصلي بـ 116 006 الآن", "اتصلي بـ \u2066116 006\u2069 الآن"},
		{"fa", "به UDI بگویید", "به \u2066UDI\u2069 بگویید"},
		{"ur", "Vold- og overgrepslinjen پر کال کریں", "\u2066Vold- og overgrepslinjen\u2069 پر کال کریں"},
		{"ar", "https://volinjen.no موقع", "\u2066https://volinjen.no\u2069 موقع"},
		{"en", "Call 116 006", "Call 116 006"},
		{"ar", "\u2066112\u2069 already", "\u2066112\u2069 already"},
	}
	for _, tt := range tests {
		if got := Isolate(tt.lang, tt.in); got != tt.want {
			t.Errorf("Isolate(%s, %q) = %q, want %q", tt.lang, tt.in, got, tt.want)
		}
	}
}

func TestLanguageNamesInOwnScript(t *testing.T) {
	for _, lang := range content.Languages() {
		if Name(lang) == lang {
			t.Errorf("no own-script name for %s", lang)
		}
	}
}

func TestRequested(t *testing.T) {
	tests := []struct{ text, want string }{
		{"English please", "en"},
		{"english", "en"},
		{"Kan du skrive på norsk?", "nb"},
		{"بالعربي لو سمحت", "ar"},
		{"po polsku proszę", "pl"},
		{"فارسی", "fa"},
		{"Dari", "fa"},
		{"ภาษาไทย ค่ะ", "th"},
		{"I speak English and my husband hits me", ""},
		{"english or arabic", ""},
		{"norsk kurs", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := Requested(tt.text); got != tt.want {
			t.Errorf("Requested(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}

// TestPluralForms: a count named N picks the plural form.
func TestPluralForms(t *testing.T) {
	s, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		lang string
		n    int
		want string
	}{
		{"en", 1, "1 problem;"}, {"en", 3, "3 problems;"}, {"nb", 1, "Rett den"}, {"nb", 2, "Rett dem"},
	} {
		if got := s.T(tt.lang, "StaffProblems", map[string]any{"N": tt.n}); !strings.Contains(got, tt.want) {
			t.Errorf("%s, N=%d: %q, want %q in it", tt.lang, tt.n, got, tt.want)
		}
	}
}
