package match_test

import (
	"testing"

	"github.com/veiviser/veiviser/content/match"
)

// TestEmergencyDetector: in every language, a message that says she is in
// danger now sets Emergency, and an ordinary question does not.
func TestEmergencyDetector(t *testing.T) {
	cat := mustLoad(t)
	tests := []struct {
		lang, danger, ordinary string
	}{
		{"nb", "mannen min slår meg", "når går oppholdstillatelsen min ut"},
		{"en", "he hits me and I am scared", "how do I renew my permit"},
		{"ar", "زوجي يضربني", "كيف أجدد الإقامة"},
		{"ar", "zawji yedrabni", "kif ajadded el iqama"},
		{"so", "ninkayga wuu i garaacaa", "sidee baan u cusboonaysiiyaa sharciga"},
		{"ti", "ሰብኣየ ይወቕዓኒ", "ፍቓድ መንበሪ ከመይ ይሕደስ"},
		{"fa", "شوهرم منو میزنه", "چطور اقامتم را تمدید کنم"},
		{"uk", "чоловік мене б'є", "як продовжити дозвіл на проживання"},
		{"ur", "میرا شوہر مجھے مارتا ہے", "ویزا کی تجدید کیسے کروں"},
		{"ur", "shohar marta hai", "visa renew kaise karun"},
		{"pl", "mąż mnie bije", "jak przedłużyć pozwolenie na pobyt"},
		{"th", "สามีตีฉัน", "ต่อวีซ่ายังไง"},
	}
	for _, tt := range tests {
		t.Run(tt.lang, func(t *testing.T) {
			if a := cat.Search(tt.danger, ""); !a.Emergency || len(a.Results) == 0 || a.Results[0].ID != "emergency-numbers" {
				t.Errorf("%q: emergency %v, results %v; want emergency-numbers first", tt.danger, a.Emergency, a.Results)
			}
			if a := cat.Search(tt.ordinary, ""); a.Emergency {
				t.Errorf("%q: ordinary question flagged as an emergency", tt.ordinary)
			}
		})
	}
}

// TestDangerPutsTheCardFirst: danger puts the emergency card first, before
// the answer she asked about, which stays offered beside it; beside a cry
// for help nothing is offered that only shares the word "help".
func TestDangerPutsTheCardFirst(t *testing.T) {
	cat := mustLoad(t)
	const asked = "jeg har tenkt på å ta livet mitt, hvem kan jeg snakke med"
	a := cat.Search(asked, "nb")
	if !a.Emergency || len(a.Results) < 2 || a.Results[0].ID != match.EmergencyID || a.Results[1].ID != "mental-health-crisis" {
		t.Errorf("%q: emergency %v, %v; want the card, then mental-health-crisis", asked, a.Emergency, a.Results)
	}
	for _, cry := range []string{"hjelp han er her", "mannen min slår meg", "help me please"} {
		a := cat.Search(cry, "")
		if !a.Emergency || a.Results[0].ID != match.EmergencyID {
			t.Errorf("%q: emergency %v, %v; want the card first", cry, a.Emergency, a.Results)
		}
		for _, r := range a.Results {
			if r.ID == "work-and-education" {
				t.Errorf("%q: offers %s beside the card", cry, r.ID)
			}
		}
	}
}
