package store

import (
	"encoding/json"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/veiviser/veiviser/bot"
)

func TestSessionEncoding(t *testing.T) {
	at := time.Date(2026, 11, 25, 10, 0, 0, 123, time.UTC)
	tests := []bot.Session{
		{},
		{Lang: "so", Screen: "menu", Seen: at},
		{Lang: "ar", LangChosen: true, Screen: "entry:permit-renewal", Misses: 2, Created: at.Add(-time.Hour), Seen: at,
			Ticket: 77, Discreet: true, DiscreetAsked: true, Asked: "مرحبا، أحتاج مساعدة", Opened: []time.Time{at.Add(-time.Minute), at}},
		{Lang: "ti", Misses: -1, Ticket: -5, Created: time.Unix(0, 1), Seen: time.Unix(-1, 0)},
	}
	for _, want := range tests {
		v := encodeSession(want)
		var got bot.Session
		if err := decodeSession(v, &got); err != nil {
			t.Fatalf("decode %+v: %v", want, err)
		}
		if !sameSession(got, want) {
			t.Errorf("round trip: got %+v, want %+v", got, want)
		}
		if j, _ := json.Marshal(want); len(v) >= len(j)/2 {
			t.Errorf("%d bytes against JSON's %d: not compact", len(v), len(j))
		}
	}
	// A file from before the binary form keeps its sessions.
	old, _ := json.Marshal(tests[2])
	var got bot.Session
	if err := decodeSession(old, &got); err != nil || !sameSession(got, tests[2]) {
		t.Errorf("JSON session: %+v, %v", got, err)
	}
	for _, bad := range [][]byte{nil, {9, 0}, {sessionV1}, {sessionV1, 0, 200}, encodeSession(tests[2])[:20]} {
		if err := decodeSession(bad, &got); err == nil {
			t.Errorf("decodeSession(%v) accepted a damaged record", bad)
		}
	}
}

func sameSession(a, b bot.Session) bool {
	ta, tb := append([]time.Time{a.Created, a.Seen}, a.Opened...), append([]time.Time{b.Created, b.Seen}, b.Opened...)
	a.Created, a.Seen, b.Created, b.Seen = time.Time{}, time.Time{}, time.Time{}, time.Time{}
	a.Opened, b.Opened = nil, nil
	return reflect.DeepEqual(a, b) && slices.EqualFunc(ta, tb, time.Time.Equal)
}

// FuzzDecodeSession: a damaged record is an error, never a panic, and a
// record that decodes encodes back to the same session.
func FuzzDecodeSession(f *testing.F) {
	f.Add(encodeSession(bot.Session{Lang: "fa", Screen: "topic:permit", Misses: 3, Seen: time.Unix(5, 0)}))
	f.Add([]byte(`{"Lang":"en"}`))
	f.Add([]byte{sessionV1, 3, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01})
	f.Fuzz(func(t *testing.T, v []byte) {
		var s bot.Session
		if decodeSession(v, &s) != nil || (len(v) > 0 && v[0] == '{') {
			return
		}
		var again bot.Session
		if err := decodeSession(encodeSession(s), &again); err != nil || !sameSession(s, again) {
			t.Fatalf("%+v came back as %+v, %v", s, again, err)
		}
	})
}
