package locales

import (
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/BurntSushi/toml"
	"go.yaml.in/yaml/v3"
)

// ltrRunRegexp and isolateRegexp are the former implementation of Isolate,
// kept as the reference that the hand-written scanner must match exactly,
// and brought along with it: a "/" before a Latin letter starts a term (a
// command), and clause punctuation is left out at the end of a run.
var ltrRunRegexp = regexp.MustCompile(`(?:https?://\S+|/\p{Latin}[\p{Latin}\p{Nd}./:@_-]*|[+§]?[\p{Latin}\p{Nd}][\p{Latin}\p{Nd}./:@_-]*)(?:[ ,–-]+(?:https?://\S+|/\p{Latin}[\p{Latin}\p{Nd}./:@_-]*|§?[\p{Latin}\p{Nd}][\p{Latin}\p{Nd}./:@_-]*))*`)

func isolateRegexp(lang, text string) string {
	if !RTL(lang) || strings.Contains(text, lri) {
		return text
	}
	// Go regular expressions cannot look behind, so a command's "/" after
	// a letter, digit or mark is refused here and the search goes on from
	// the rune after it.
	var b strings.Builder
	copied := 0
	for pos := 0; pos < len(text); {
		loc := ltrRunRegexp.FindStringIndex(text[pos:])
		if loc == nil {
			break
		}
		start, end := pos+loc[0], pos+loc[1]
		if text[start] == '/' {
			if r, _ := utf8.DecodeLastRuneInString(text[:start]); unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.IsMark(r) {
				pos = start + 1
				continue
			}
		}
		run := text[start:end]
		trimmed := strings.TrimRight(run, " ,–-.:;!?،؛؟۔")
		b.WriteString(text[copied:start] + lri + trimmed + pdi + run[len(trimmed):])
		copied, pos = end, end
	}
	b.WriteString(text[copied:])
	return b.String()
}

// isolateLangs are the languages the fuzz test compares: the three
// right-to-left ones and one that must come back unchanged.
var isolateLangs = []string{"ar", "fa", "ur", "en"}

// benchTexts are replies as the bot sends them, from content/catalog.
var benchTexts = []string{
	// emergency-numbers, ar
	`اتصلي بـ 112 (الشرطة) إذا كنتِ في خطر الآن.

• 112: الشرطة
• 113: الإسعاف، عند مرض مفاجئ أو إصابة
• 110: الإطفاء

الرقم 112 يعمل أيضًا بدون شريحة SIM، وبدون رصيد في البطاقة مسبقة الدفع، وبدون تغطية من شركة الهاتف الخاصة بكِ.

قولي أين أنتِ: العنوان، أو شيئًا ترينه حولكِ.

عندما تكونين في أمان، يمكنكِ الاتصال بـ Vold- og overgrepslinjen (خط المساعدة لضحايا العنف والاعتداء) على الرقم 116 006. الاتصال مجاني، وبدون ذكر اسمكِ، والخط مفتوح ليلًا ونهارًا. يمكنهم أيضًا أن يخبروكِ عن krisesenter (مركز الأزمات)، وهو مكان آمن للسكن.
`,
	// violence-helpline, fa
	`به Vold- og overgrepslinjen (خط کمک برای خشونت و آزار) به شماره 116 006 زنگ بزنید. لازم نیست اسم‌تان را بگویید.

• رایگان است و شبانه‌روز باز است
• ناشناس: این خط شماره تلفن شما را نمی‌بیند
• برای خشونت از طرف همسر یا خانواده (vold i nære relasjoner)، و آزار جنسی
• برای خانواده و دوستانی هم هست که نگران هستند
• می‌توانید در volinjen.no هم چت کنید

زیر 18 سال هستید؟ به Alarmtelefonen for barn og unge (خط کمک برای کودکان و نوجوانان) به شماره 116 111 زنگ بزنید. رایگان است و شبانه‌روز باز است.

با کسی یک تلفن مشترک دارید؟ بعد از زنگ زدن، تماس را از فهرست تماس‌ها پاک کنید.

همین حالا در خطر هستید؟ به 112 زنگ بزنید.
`,
	// family-permit, fa
	`در نروژ اقامت دارید چون با کسی که اینجا زندگی می‌کند ازدواج کرده‌اید یا samboer (شریک زندگی بدون ازدواج) هستید؟ پس اجازه اقامت شما از طریق familieinnvandring (اقامت خانوادگی) است. روی oppholdskort (کارت اقامت) یا در vedtak (نامه تصمیم) ببینید که اجازه اقامت‌تان کی تمام می‌شود، و مدارک‌تان را خوب نگه دارید.

• این اجازه اقامت بر این پایه است که شما ازدواج کرده‌اید یا samboer هستید و با هم زندگی می‌کنید (قانون اتباع خارجی، utlendingsloven § 40 برای همسر، § 41 برای samboer).
• کسی که از طریق او اقامت گرفته‌اید، referanseperson (شخص مرجع) نامیده می‌شود.
• اداره مهاجرت (UDI، Utlendingsdirektoratet) درباره درخواست‌های اقامت و تمدید تصمیم می‌گیرد.
• برای تمدید، پایه اقامت باید همان باشد. اگر طلاق بگیرید یا از هم جدا زندگی کنید، معمولاً اجازه اقامت تمدید نمی‌شود.

شما یا بچه‌ها در معرض خشونت هستید؟ در این صورت ممکن است حق داشته باشید اجازه اقامت جداگانه برای خودتان بگیرید. بخش «اجازه اقامت جداگانه بعد از خشونت» را ببینید.
`,
	// a short menu reply without any left-to-right run, fa
	"بخش مورد نظر را انتخاب کنید.",
}

// handSeeds exercise the corners of the run syntax: phone numbers with and
// without "+", URLs, "§ 40", e-mail addresses, Norwegian letters, the
// separators " ,–-" and what is trimmed from the end of a run.
var handSeeds = []string{
	"اتصلي بـ 116 006 الآن",
	"اتصلي على +47 23 48 72 00، أو 112.",
	"رقم: 815 55 201 – مجاني",
	"الموقع https://www.udi.no/ar/. أو http://volinjen.no",
	"(https://helsenorge.no/fastlegen)، ثم",
	"https:// فارغ و http://",
	"HTTPS://UDI.NO/ar و Https://x",
	"قانون utlendingsloven § 40 و §41، §§ 53-54",
	"راسلي post@jurk.no أو kontakt_oss@krisesenter.com.",
	"مكتب Røde Kors-telefonen و Grünerløkka og Tøyen, Årstad",
	"به UDI, NAV – og Skatteetaten - بگویید",
	"ساعت 08:00–16:00, 1.-3. juni 2026...",
	"به UDI— بگویید، UDI-, UDI–, UDI ,",
	"شماره ۱۱۶ ۰۰۶ و ١١٦ ٠٠٦",
	"+ 47 و ++47 و +§4 و §+4",
	"D-nummer/fødselsnummer: 010190 12345",
	"Ｆｕｌｌ ｗｉｄｔｈ ﬁ ʰ ª º Ⅻ ǅ",
	"line1 abc\nabc\tdef\vghi\u00a0jkl\u2003mno",
	"http://a\u00a0b\u2003c\vd\te",
	"\u2066112\u2069 لدي بالفعل 113",
	"abc\xff def \xe2\x80 ghi\xe2\x80\x93jkl\xc3",
	"http://x\xff\xfe \xf0\xe2\x80\x93",
	"a -–, ,b",
	"",
	"§",
	"+",
	"ا",
	// From the translations review: commands and a number before a colon.
	"• /menu – القائمة الرئيسية\n• منوی اصلی: /menu\n• صحبت (برای تمام کردن: /end): /advisor",
	"أرسلي /end. أو /menu, /help و/أو نعم / لا، //x /1 الشرطة/UDI بـ/menu e\u0301/x",
	"• 112: الشرطة\n• 113: الإسعاف، 10:00: 09:00–15:00، UDI:",
	"https://udi.no/ar، https://udi.no؛ https://udi.no۔ https://x; https://x؟ https://x:! https://x/",
}

func TestIsolateSurprises(t *testing.T) {
	tests := []struct{ in, want string }{
		// A "§" followed by a space stays outside.
		{"utlendingsloven § 40 و", "\u2066utlendingsloven\u2069 § \u206640\u2069 و"},
		// "+" only starts a run, it does not continue one.
		{"112, +47 22", "\u2066112\u2069, \u2066+47 22\u2069"},
		// A URL runs to the next ASCII white space, Arabic letters and all;
		// only separators and clause punctuation are left outside at its end.
		{"(https://udi.no)، ثم. ", "(\u2066https://udi.no)\u2069، ثم. "},
		{"https://udi.no/ar. و", "\u2066https://udi.no/ar\u2069. و"},
		// Arabic-Indic digits are decimal digits too.
		{"۱۱۶ ۰۰۶", "\u2066۱۱۶ ۰۰۶\u2069"},
		// Separators join terms across commas and dashes.
		{"UDI, NAV – Skatteetaten و", "\u2066UDI, NAV – Skatteetaten\u2069 و"},
	}
	for _, tt := range tests {
		if got := Isolate("ar", tt.in); got != tt.want {
			t.Errorf("Isolate(ar, %q) = %q, want %q", tt.in, got, tt.want)
		}
		if got := isolateRegexp("ar", tt.in); got != tt.want {
			t.Errorf("isolateRegexp(ar, %q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestIsolateSlashCommand: a Telegram command in a right-to-left sentence
// showed as "menu/" (help and privacy texts, translations review), because
// the "/" stayed in the right-to-left text, to the right of the isolate.
func TestIsolateSlashCommand(t *testing.T) {
	tests := []struct{ lang, in, want string }{
		{"ar", "• /menu – القائمة الرئيسية", "• \u2066/menu\u2069 – القائمة الرئيسية"},
		{"fa", "• پاک کردن پیام‌های ربات در اینجا: /clear", "• پاک کردن پیام‌های ربات در اینجا: \u2066/clear\u2069"},
		{"ur", "• /forget – اپنے بارے میں سب کچھ مٹا دیں", "• \u2066/forget\u2069 – اپنے بارے میں سب کچھ مٹا دیں"},
		{"fa", "• صحبت با یک نفر (برای تمام کردن: /end): /advisor", "• صحبت با یک نفر (برای تمام کردن: \u2066/end\u2069): \u2066/advisor\u2069"},
		{"ar", "للإنهاء، أرسلي /end.", "للإنهاء، أرسلي \u2066/end\u2069."},
		{"ur", "ختم کرنے کے لیے /end بھیجیں۔", "ختم کرنے کے لیے \u2066/end\u2069 بھیجیں۔"},
		{"ar", "/start@VeiviserBot الآن", "\u2066/start@VeiviserBot\u2069 الآن"},
		// Commands joined like other terms.
		{"ar", "أرسلي /menu, /help أو", "أرسلي \u2066/menu, /help\u2069 أو"},
		// A "/" inside a URL or a word was already in the run.
		{"ar", "https://udi.no/ar و udi.no/ar و D-nummer/fødselsnummer", "\u2066https://udi.no/ar\u2069 و \u2066udi.no/ar\u2069 و \u2066D-nummer/fødselsnummer\u2069"},
		// A "/" that does not stand before a Latin letter starts nothing.
		{"ar", "نعم / لا", "نعم / لا"},
		{"ar", "و/أو", "و/أو"},
		{"ar", "/ menu", "/ \u2066menu\u2069"},
		{"ar", "/112", "/\u2066112\u2069"},
		{"ar", "//menu", "/\u2066/menu\u2069"},
		// "police/UDI": a "/" after a letter joins two words; as the first
		// rune of the isolate it would be drawn at the far left.
		{"ar", "الشرطة/UDI", "الشرطة/\u2066UDI\u2069"},
		{"ar", "بـ/menu", "بـ/\u2066menu\u2069"},
	}
	checkIsolate(t, tests)
}

// TestIsolateTrailingPunctuation: "• 112: الشرطة" showed the colon on the
// wrong side of the number (emergency screen, translations review). The
// punctuation that ends a clause belongs to the right-to-left sentence.
func TestIsolateTrailingPunctuation(t *testing.T) {
	tests := []struct{ lang, in, want string }{
		{"ar", "• 112: الشرطة", "• \u2066112\u2069: الشرطة"},
		{"ar", "• 113: الإسعاف، عند مرض مفاجئ", "• \u2066113\u2069: الإسعاف، عند مرض مفاجئ"},
		{"ur", "• 110: فائر بریگیڈ", "• \u2066110\u2069: فائر بریگیڈ"},
		{"fa", "به UDI: بگویید", "به \u2066UDI\u2069: بگویید"},
		{"ar", "الساعة 10:00:", "الساعة \u206610:00\u2069:"},
		// Inner colons stay: times and opening hours.
		{"ar", "الساعة 10:00 صباحًا", "الساعة \u206610:00\u2069 صباحًا"},
		{"fa", "دوشنبه–جمعه 09:00–15:00، زنگ", "دوشنبه–جمعه \u206609:00–15:00\u2069، زنگ"},
		{"ar", "112: 113 و", "\u2066112: 113\u2069 و"},
		// A URL runs to the next space, so it carries the sentence's
		// punctuation with it.
		{"ar", "https://udi.no/ar، ثم", "\u2066https://udi.no/ar\u2069، ثم"},
		{"fa", "https://udi.no/fa؛ بعد", "\u2066https://udi.no/fa\u2069؛ بعد"},
		{"ur", "https://udi.no۔ پھر", "\u2066https://udi.no\u2069۔ پھر"},
		{"ar", "https://udi.no; و https://udi.no: و", "\u2066https://udi.no\u2069; و \u2066https://udi.no\u2069: و"},
		{"ar", "https://udi.no؟ و https://udi.no! و", "\u2066https://udi.no\u2069؟ و \u2066https://udi.no\u2069! و"},
		{"ar", "https://udi.no/ar/:، و", "\u2066https://udi.no/ar/\u2069:، و"},
		{"ar", "(https://udi.no)، ثم", "(\u2066https://udi.no)\u2069، ثم"},
	}
	checkIsolate(t, tests)
}

// checkIsolate runs a table through Isolate and through the reference.
func checkIsolate(t *testing.T, tests []struct{ lang, in, want string }) {
	t.Helper()
	for _, tt := range tests {
		if got := Isolate(tt.lang, tt.in); got != tt.want {
			t.Errorf("Isolate(%s, %q)\n got %q\nwant %q", tt.lang, tt.in, got, tt.want)
		}
		if got := isolateRegexp(tt.lang, tt.in); got != tt.want {
			t.Errorf("isolateRegexp(%s, %q)\n got %q\nwant %q", tt.lang, tt.in, got, tt.want)
		}
	}
}

// TestIsWordRune checks the shortcuts of isWordRune against the Unicode
// tables that the regular expression uses.
func TestIsWordRune(t *testing.T) {
	for r := rune(0); r <= 0x2FFF; r++ {
		want := unicode.Is(unicode.Latin, r) || unicode.Is(unicode.Nd, r)
		if got := isWordRune(r); got != want {
			t.Errorf("isWordRune(%U) = %v, want %v", r, got, want)
		}
	}
}

// rtlReplyTexts returns the right-to-left texts of the repository: the
// messages of active.{ar,fa,ur}.toml and every string under an ar, fa or ur
// key of content/catalog/*.yaml.
func rtlReplyTexts(t testing.TB) []string {
	var texts []string
	for _, lang := range []string{"ar", "fa", "ur"} {
		data, err := fs.ReadFile(files, "active."+lang+".toml")
		if err != nil {
			t.Fatal(err)
		}
		var msgs map[string]map[string]string
		if err := toml.Unmarshal(data, &msgs); err != nil {
			t.Fatalf("active.%s.toml: %v", lang, err)
		}
		for _, m := range msgs {
			texts = append(texts, m["other"])
		}
	}
	catalog, _ := filepath.Glob(filepath.Join("..", "content", "catalog", "*.yaml"))
	for _, name := range catalog {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		var doc any
		if err := yaml.Unmarshal(data, &doc); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		texts = collectRTL(doc, false, texts)
	}
	return texts
}

func collectRTL(node any, rtl bool, texts []string) []string {
	switch n := node.(type) {
	case map[string]any:
		for k, v := range n {
			texts = collectRTL(v, rtl || RTL(k), texts)
		}
	case []any:
		for _, v := range n {
			texts = collectRTL(v, rtl, texts)
		}
	case string:
		if rtl {
			texts = append(texts, n)
		}
	}
	return texts
}

func FuzzIsolateMatchesRegexp(f *testing.F) {
	for _, s := range rtlReplyTexts(f) {
		f.Add(s)
	}
	for _, s := range benchTexts {
		f.Add(s)
	}
	for _, s := range handSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		for _, lang := range isolateLangs {
			got := Isolate(lang, text)
			if want := isolateRegexp(lang, text); got != want {
				t.Errorf("Isolate(%s, %q)\n got %q\nwant %q", lang, text, got, want)
			}
			checkIsolated(t, lang, text, got)
		}
	})
}

// checkIsolated checks what holds for any output of Isolate, whatever the
// reference says: only isolates were added, they are balanced and not
// nested, none ends in the punctuation that belongs outside, and a second
// Isolate changes nothing.
func checkIsolated(t *testing.T, lang, in, out string) {
	t.Helper()
	if StripIsolates(out) != StripIsolates(in) {
		t.Errorf("Isolate(%s, %q) = %q: more than isolates added", lang, in, out)
	}
	if again := Isolate(lang, out); again != out {
		t.Errorf("Isolate(%s, %q) = %q, but Isolate of that is %q", lang, in, out, again)
	}
	if out == in || strings.Contains(in, pdi) {
		return // a PDI of the text's own would pass for the end of an isolate
	}
	open := -1 // where the text of the open isolate starts
	for i := 0; i < len(out); i++ {
		switch {
		case strings.HasPrefix(out[i:], lri):
			if open >= 0 {
				t.Fatalf("Isolate(%s, %q) = %q: nested isolate", lang, in, out)
			}
			open = i + len(lri)
		case strings.HasPrefix(out[i:], pdi):
			if open < 0 {
				t.Fatalf("Isolate(%s, %q) = %q: PDI without LRI", lang, in, out)
			}
			inside := out[open:i]
			if inside == "" {
				t.Fatalf("Isolate(%s, %q) = %q: empty isolate", lang, in, out)
			}
			if last, _ := utf8.DecodeLastRuneInString(inside); strings.ContainsRune(" ,–-.:;!?،؛؟۔", last) {
				t.Fatalf("Isolate(%s, %q) = %q: isolate ends in %q", lang, in, out, last)
			}
			open = -1
		}
	}
	if open >= 0 {
		t.Errorf("Isolate(%s, %q) = %q: isolate not closed", lang, in, out)
	}
}

// TestIsolateMatchesRegexpTokens compares Isolate with the reference on
// many short texts made of the pieces that matter to the run syntax, which
// a byte-mutating fuzzer rarely puts together (a URL scheme after a
// separator, "§" or "+" before a digit, a dash after a word).
func TestIsolateMatchesRegexpTokens(t *testing.T) {
	tokens := []string{
		"http://", "https://", "HTTP://", "h", "s", ":", "/", ".", "@", "_", "-", "–", "—",
		",", "،", " ", "\t", "\n", "\v", "\u00a0", "§", "+", "a", "Z", "ø", "Å", "1", "٣", "۷",
		"ا", "ی", "\u200c", "(", ")", "\xff", "\xe2\x80", "\u2069",
		"/m", "ـ", "\u0301", ";", "!", "?", "؛", "؟", "۔", "112:", "10:00",
	}
	rng := rand.New(rand.NewPCG(1, 2))
	n := 200000
	if testing.Short() {
		n = 20000
	}
	for range n {
		var sb strings.Builder
		for range rng.IntN(12) {
			sb.WriteString(tokens[rng.IntN(len(tokens))])
		}
		text := sb.String()
		got := Isolate("ar", text)
		if want := isolateRegexp("ar", text); got != want {
			t.Fatalf("Isolate(ar, %q)\n got %q\nwant %q", text, got, want)
		}
		checkIsolated(t, "ar", text, got)
	}
}

func BenchmarkIsolate(b *testing.B) {
	for _, impl := range []struct {
		name    string
		isolate func(lang, text string) string
	}{
		{"scanner", Isolate},
		{"regexp", isolateRegexp},
	} {
		b.Run(impl.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				for _, text := range benchTexts {
					impl.isolate("fa", text)
				}
			}
		})
	}
}
