package match

import "testing"

// TestNormalizeScripts: what folding keeps and drops in each script. Marks
// that are optional (accents, Arabic vowel signs) go; marks that are
// letters (Thai vowels and tone marks) stay.
func TestNormalizeScripts(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"ThaiVowelsAndTones", "ตีหนู", "ตีหนู"},
		{"ThaiBookshelfIsNotHit", "ตู้หนังสือ", "ตู้หนังสือ"},
		{"ThaiOneAM", "ตีหนึ่ง", "ตีหนึ่ง"},
		{"ThaiDigits", "๑๑๒", "112"},
		{"GeezVowelOrdersFold", "ይወቕዓኒ", normalize("የወቀዐነ")},
		{"ArabicHarakatDropped", "يَضْرِبُنِي", "يضربني"},
		{"ArabicAlefAndYehVariants", "إلى أين", "الي اين"},
		{"PersianYehKeheh", "کمک یک", "كمك يك"},
		{"PersianZWNJ", "می\u200cخواهم", "ميخواهم"},
		{"UrduGolHehAndBariYeh", "مجھے", "مجهي"},
		{"UrduHehDoachashmee", "ہے", "هي"},
		{"NorwegianLetters", "Går på NAV-kontoret, søknad", "gar pa nav kontoret soknad"},
		{"Polish", "Mąż ŁÓDŹ", "maz lodz"},
		{"FullWidth", "ＵＤＩ", "udi"},
		{"UkrainianApostrophe", "б'є", "бє"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := normalize(tt.in); got != tt.want {
				t.Errorf("normalize(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestUnstretch(t *testing.T) {
	for in, want := range map[string]string{
		"heeelp": "help", "hello": "hello", "helllllo": "helo", "555": "555",
		"ሓገዝዝዝ": words("ሓገዝ")[0], "ช่วยยยย": "ช่วย", "112": "112",
	} {
		if got := words(in)[0]; got != want {
			t.Errorf("words(%q) = %q, want %q", in, got, want)
		}
	}
}
