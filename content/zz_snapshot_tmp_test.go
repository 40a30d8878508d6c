package content_test

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/veiviser/veiviser/content"
	"github.com/veiviser/veiviser/content/devset"
)

// variants perturbs every longer word of q: dropped, swapped, doubled rune, cut.
func variants(q string) []string {
	ws := strings.Fields(q)
	var out []string
	for i, w := range ws {
		r := []rune(w)
		if len(r) < 4 {
			continue
		}
		m := len(r) / 2
		set := func(nw string) {
			c := append([]string(nil), ws...)
			c[i] = nw
			out = append(out, strings.Join(c, " "))
		}
		set(string(r[:m]) + string(r[m+1:]))
		sw := append([]rune(nil), r...)
		sw[m-1], sw[m] = sw[m], sw[m-1]
		set(string(sw))
		set(string(r[:m]) + string(r[m]) + string(r[m:]))
		set(string(r[:max(4, len(r)-3)]))
		set(strings.ToUpper(w))
	}
	return out
}

func TestZZSnapshot(t *testing.T) {
	path := os.Getenv("SNAPSHOT_OUT")
	if path == "" {
		t.Skip()
	}
	cat, _, err := content.Load(content.Embedded())
	if err != nil {
		t.Fatal(err)
	}
	qs, err := devset.Read("testdata/questions")
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	n := 0
	emit := func(kind, q, lang string) {
		n++
		a := cat.Search(q, lang)
		fmt.Fprintf(&b, "%s\t%q\t%q\tdetect=%q\twords=%q\t%+v\n", kind, q, lang, cat.DetectLanguage(q), content.Words(q), a)
	}
	for _, q := range qs {
		emit("q", q.Text, "")
		emit("chosen", q.Text, q.Lang)
		emit("typo", typo(q.Text), "")
		emit("typo-chosen", typo(q.Text), q.Lang)
		for _, v := range variants(q.Text) {
			emit("var", v, "")
			emit("var-chosen", v, q.Lang)
		}
	}
	for _, q := range mixed {
		emit("mixed", q, "")
		for _, l := range content.Languages() {
			emit("mixed-chosen", q, l)
		}
	}
	for _, q := range []string{"oppholdstillatelsen min går ut", "barnevernet undersokelse hjemme",
		"UDI said no to my application, can I appeal", "my husband hits me", "mannen min slår meg",
		"free lawyer", "qwzx plork vrrb", "", "?!...", "ትሕዝቶ ዓቢ", "สามีตีฉัน", "мій чоловік б'є мене",
		"میرا شوہر مجھے مارتا ہے", "oppholdstillatelse går ut", "zażalenie na decyzję", "my residence permit expires",
		strings.Repeat("help me please lawyer ", 30), "ＵＤＩ　ｋｌａｇｅ", "x", "ab cd", string(utf8.RuneError), "\xff\xfeabc"} {
		emit("table", q, "")
		emit("table-en", q, "en")
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d queries", n)
}
