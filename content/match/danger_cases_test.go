package match_test

import (
	"strings"
	"testing"
)

// TestDangerCases: shapes of messages that the issue tracker recorded as
// missed or wrongly flagged, in several languages. Not a measure of
// accuracy (the blind sets are that), a guard against the same mistakes.
func TestDangerCases(t *testing.T) {
	cat := mustLoad(t)
	long := strings.Repeat("we came to Norway three years ago and the first year was fine, ", 7) +
		"but yesterday he beat me and he says he will kill me if I leave"
	tests := []struct {
		name, q string
		acute   bool
	}{
		{"CryForHelpHeIsHere", "help he's here", true},
		{"DieTonight", "I want to die tonight", true},
		{"DangerAfterWord64", long, true},
		{"EmergencyNumberAlone", "112", true},
		{"CryInUnknownLanguage", "помогите", true},
		{"ThaiHitMe", "ผัวตีหนู", true},
		{"ThaiHitMePolite", "ผัวตีหนูค่ะ ช่วยด้วย", true},
		{"PersianPastTense", "شوهرم منو زد", true},
		{"ArabizHitsMe", "zawji yadrebni", true},
		{"DaughterToBeCleaned", "my aunt will take my daughter to be cleaned tomorrow", true},
		{"ClimbingInTheWindow", "someone is climbing in the window", true},

		{"KillTime", "I need to kill time", false},
		{"KnifeAndFork", "knife and fork for the cooking class", false},
		{"MissTheBus", "afraid I'll miss the bus", false},
		{"ScaredOfTheTest", "I am scared of the test", false},
		{"PersianWantToGetAJob", "میخوام یه کار بگیرم", false},
		{"ThaiBookshelf", "ตู้หนังสือ", false},
		{"ThaiOneAM", "ตีหนึ่ง", false},
		{"RenewPermit", "how do I renew my residence permit", false},
		{"HeatIsKilling", "the heat is killing me today", false},
		{"KnifeForOnions", "I need a knife to cut the onions", false},
		{"LongStoryOfThePast", "my husband hit me three years ago, now we are divorced and I live alone with the kids. " +
			"I want to apply for my own residence permit, can I use the police report from back then?", false},
	}
	// Missing danger is the costly mistake: every acute case must be
	// flagged. A false alarm only shows the numbers once too often: the
	// detector leans that way on purpose, so one of the calm cases may be.
	var alarms []string
	for _, tt := range tests {
		a := cat.Search(tt.q, "")
		switch {
		case tt.acute && (!a.Emergency || len(a.Results) == 0 || a.Results[0].ID != "emergency-numbers"):
			t.Errorf("%s: Search(%q) = emergency %v, %v; want the emergency numbers first", tt.name, tt.q, a.Emergency, a.Results)
		case !tt.acute && a.Emergency:
			alarms = append(alarms, tt.name)
		}
	}
	if len(alarms) > 1 {
		t.Errorf("false alarms on %v, at most one allowed", alarms)
	}
}

// TestSmallTalkAndOutOfScope: greetings, thanks and reactions get a short
// reply instead of being kept as unanswered; questions the catalog has no
// answer for get none rather than a confident wrong one.
func TestSmallTalkAndOutOfScope(t *testing.T) {
	cat := mustLoad(t)
	for _, tt := range []struct{ q, kind string }{
		{"hello", "hello"}, {"hei", "hello"}, {"مرحبا", "hello"},
		{"thank you", "thanks"}, {"takk", "thanks"}, {"شكرا", "thanks"},
		{"ok", "ok"}, {"👍", "ok"}, {"🙏", "ok"},
	} {
		if a := cat.Search(tt.q, ""); a.SmallTalk != tt.kind || len(a.Results) > 0 || a.Emergency {
			t.Errorf("Search(%q) = small talk %q, results %v, emergency %v; want %q alone", tt.q, a.SmallTalk, a.Results, a.Emergency, tt.kind)
		}
	}
	for _, q := range []string{"how do I file my tax return", "driving licence", "qwzx plork vrrb"} {
		if a := cat.Search(q, ""); len(a.Results) > 0 {
			t.Errorf("Search(%q) = %v, want no answer", q, a.Results)
		}
	}
	if a := cat.Search("he is here", "en"); a.Sure && !a.Emergency {
		t.Errorf(`"he is here" is answered directly with %v`, a.Results)
	}
}
