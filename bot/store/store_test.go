package store

import (
	"bytes"
	"cmp"
	"context"
	"encoding/binary"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/veiviser/veiviser/bot"
)

// withSessions stores a session for each chat: message IDs are recorded
// only for chats that have one.
func withSessions(tb testing.TB, s *Store, chats ...int64) {
	tb.Helper()
	for _, c := range chats {
		if err := s.Commit(context.Background(), bot.Change{Session: &bot.Session{Chat: c}}); err != nil {
			tb.Fatal(err)
		}
	}
}

func mustOpen(tb testing.TB) (*Store, string) {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "v.db")
	s, err := Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	return s, path
}

func TestCommitIsAtomicAndOrdered(t *testing.T) {
	ctx := context.Background()
	s, path := mustOpen(t)
	sess := bot.Session{Chat: 7, Lang: "so", Screen: "menu", Seen: time.Unix(100, 0)}
	acts := []bot.Action{{Chat: 7, Text: "one"}, {Chat: 7, Text: "two"}, {Chat: 8, Text: "three"}}
	if err := s.Commit(ctx, bot.Change{EventID: "u1", Session: &sess, Actions: acts, Count: []string{"answer:x", "answer:x"}}); err != nil {
		t.Fatal(err)
	}
	// A redelivered event changes nothing.
	if err := s.Commit(ctx, bot.Change{EventID: "u1", Actions: acts}); err != nil {
		t.Fatal(err)
	}
	got, found, err := s.Session(ctx, 7)
	if err != nil || !found || got.Lang != "so" {
		t.Fatalf("Session = %+v, %v, %v", got, found, err)
	}
	if seen, _ := s.Seen(ctx, "u1"); !seen {
		t.Error("event u1 not remembered")
	}
	pending, err := s.Pending(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(pending) != 3 || pending[0].Action.Text != "one" || pending[2].Action.Text != "three" {
		t.Fatalf("outbox = %+v, want one, two, three once each", pending)
	}
	counts, _ := s.Counters(ctx, "answer:", time.Time{})
	if counts["answer:x"] != 2 {
		t.Errorf("counter = %d, want 2", counts["answer:x"])
	}
	info, err := os.Stat(path)
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("database file mode = %v, want 0600", info.Mode().Perm())
	}
}

func TestOutboxSurvivesReopen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "v.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Commit(ctx, bot.Change{Actions: []bot.Action{{Chat: 1, Text: "a"}, {Chat: 1, Text: "b"}}}); err != nil {
		t.Fatal(err)
	}
	first, _ := s.Pending(ctx, 1)
	if err := s.Done(ctx, first[0].ID); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err = Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	rest, _ := s.Pending(ctx, 10)
	if len(rest) != 1 || rest[0].Action.Text != "b" {
		t.Fatalf("after reopen outbox = %+v, want only b", rest)
	}
}

func TestForgetRemovesSessionAndQueue(t *testing.T) {
	ctx := context.Background()
	s, _ := mustOpen(t)
	sess := bot.Session{Chat: 5, Lang: "ar"}
	other := bot.Session{Chat: 6, Lang: "en"}
	_ = s.Commit(ctx, bot.Change{Session: &sess, Actions: []bot.Action{{Chat: 5, Text: "secret"}}})
	_ = s.Commit(ctx, bot.Change{Session: &other, Actions: []bot.Action{{Chat: 6, Text: "keep"}}})
	if err := s.Commit(ctx, bot.Change{Chat: bot.ChatOps{Forget: 5}, Actions: []bot.Action{{Chat: 5, Text: "bye"}}}); err != nil {
		t.Fatal(err)
	}
	if _, found, _ := s.Session(ctx, 5); found {
		t.Error("session of a forgotten chat is still there")
	}
	if _, found, _ := s.Session(ctx, 6); !found {
		t.Error("another chat's session was deleted")
	}
	pending, _ := s.Pending(ctx, 10)
	var texts [][]byte
	for _, q := range pending {
		texts = append(texts, []byte(q.Action.Text))
	}
	if got := bytes.Join(texts, []byte(",")); string(got) != "keep,bye" {
		t.Errorf("outbox after forget = %s, want keep,bye", got)
	}
}

func TestQuestionsCarryNoChat(t *testing.T) {
	ctx := context.Background()
	s, _ := mustOpen(t)
	q := bot.Question{Lang: "so", Text: "xyz", At: time.Unix(1, 0)}
	if err := s.Commit(ctx, bot.Change{Question: &q}); err != nil {
		t.Fatal(err)
	}
	qs, err := s.Questions(ctx)
	if err != nil || len(qs) != 1 || qs[0].Text != "xyz" {
		t.Fatalf("Questions = %+v, %v", qs, err)
	}
}

// TestForgetLeavesNothingInTheFile greps the raw database file for her chat
// ID (as the keyed hash that stands for it too) and her words after /forget.
func TestForgetLeavesNothingInTheFile(t *testing.T) {
	ctx := context.Background()
	s, path := mustOpen(t)
	const chat = 987654321
	secret := "my husband hits me every night, please help (a distinctive sentence)"
	asked := "where is the crisis centre in Drammen (her question in the summary)"
	sess := bot.Session{Chat: chat, Lang: "en", Ticket: 1}
	tk := bot.Ticket{Number: 1, Chat: chat, State: bot.TicketWaiting, Asked: asked}
	const group = -100777
	if err := s.Commit(ctx, bot.Change{Session: &sess, Tickets: []bot.Ticket{tk}, Chat: bot.ChatOps{MessagesOf: chat, Messages: []int{5, 6}},
		Subscription: &bot.Subscription{Chat: chat, Lang: "en", On: true},
		Actions: []bot.Action{
			{Chat: chat, Text: secret},
			// Not yet in the advisors' group: the summary that opens her
			// ticket's topic, a copy of her message and a joined text.
			{Chat: group, Ticket: 1, NewTopic: "#1 · en", Text: "Summary: " + asked},
			{Chat: group, Ticket: 1, CopyFrom: chat, CopyMessage: 6},
			{Chat: group, Ticket: 1, Text: "💬 " + secret, Join: true},
		}}); err != nil {
		t.Fatal(err)
	}
	// Another woman's copy stays queued.
	if err := s.Commit(ctx, bot.Change{Actions: []bot.Action{{Chat: group, Ticket: 2, CopyFrom: 555, CopyMessage: 1}}}); err != nil {
		t.Fatal(err)
	}
	// A message delivered since: its ID waits in the journal.
	if err := s.RecordMessage(ctx, chat, 7, time.Now()); err != nil {
		t.Fatal(err)
	}
	// Fill and churn other data so pages are reused and freed.
	for i := range 200 {
		other := bot.Session{Chat: int64(1000 + i), Lang: "so"}
		_ = s.Commit(ctx, bot.Change{Session: &other})
	}
	before, _ := os.ReadFile(path)
	if !bytes.Contains(before, []byte(secret)) || !bytes.Contains(before, binary.BigEndian.AppendUint64(nil, uint64(chat))) {
		t.Fatal("test is broken: the text or her subscription is not in the file before /forget")
	}
	if err := s.Commit(ctx, bot.Change{Chat: bot.ChatOps{Forget: chat}}); err != nil {
		t.Fatal(err)
	}
	// A message that was on its way to her when she chose /forget arrives
	// now: it must not bring her back into the file.
	if err := s.RecordMessage(ctx, chat, 8, time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := s.flush(); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	journal, err := os.ReadFile(path + ".sent")
	if err != nil {
		t.Fatal(err)
	}
	raw = append(raw, journal...)
	idBytes := binary.BigEndian.AppendUint64(nil, uint64(chat))
	for name, needle := range map[string][]byte{
		"text": []byte(secret), "chat ID": []byte("987654321"), "chat ID bytes": idBytes, "keyed chat": s.chatKey(chat),
		"question in the summary": []byte(asked),
	} {
		if bytes.Contains(raw, needle) {
			t.Errorf("the %s is still in the database file or its journal after /forget", name)
		}
	}
	if _, found, _ := s.Session(ctx, 1000); !found {
		t.Error("compaction lost another user's session")
	}
	if left, _ := s.Pending(ctx, 10); len(left) != 1 || left[0].Action.CopyFrom != 555 {
		t.Errorf("outbox after /forget = %+v, want only the other woman's copy", left)
	}
}

func TestPurgeOnAFakeClock(t *testing.T) {
	ctx := context.Background()
	s, _ := mustOpen(t)
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	old := bot.Session{Chat: 1, Seen: now.Add(-31 * 24 * time.Hour)}
	fresh := bot.Session{Chat: 2, Seen: now.Add(-time.Hour), Ticket: 7}
	idle := bot.Session{Chat: 3, Seen: now.Add(-40 * 24 * time.Hour), Ticket: 9}
	_ = s.Commit(ctx, bot.Change{Session: &old, Subscription: &bot.Subscription{Chat: 1, Lang: "so", On: true}})
	_ = s.Commit(ctx, bot.Change{Session: &fresh, Subscription: &bot.Subscription{Chat: 2, Lang: "so", On: true}})
	_ = s.Commit(ctx, bot.Change{Session: &idle, Tickets: []bot.Ticket{
		{Number: 7, Chat: 2, State: bot.TicketWaiting, Created: now.Add(-50 * 24 * time.Hour)},
		{Number: 9, Chat: 3, State: bot.TicketWaiting, Created: now.Add(-40 * 24 * time.Hour)},
		{Number: 10, Chat: 3, State: bot.TicketOpen, Created: now.Add(-45 * 24 * time.Hour)},
		{Number: 8, Chat: 4, State: bot.TicketClosed, Closed: now.Add(-60 * 24 * time.Hour)},
		{Number: 11, Chat: 5, State: bot.TicketOpen, Created: now.Add(-60 * 24 * time.Hour)}, // her session is long gone
	}})
	q := bot.Question{Lang: "en", Text: "old", At: now.Add(-40 * 24 * time.Hour)}
	_ = s.Commit(ctx, bot.Change{Question: &q})
	n, err := s.Purge(ctx, now.Add(-720*time.Hour), now)
	if err != nil {
		t.Fatal(err)
	}
	for chat, want := range map[int64]bool{1: false, 2: true, 3: false} {
		if _, found, _ := s.Session(ctx, chat); found != want {
			t.Errorf("session %d kept = %v, want %v", chat, found, want)
		}
	}
	// A ticket lives as long as the conversation: while she uses the bot,
	// and closed ones for the retention period after closing.
	for number, want := range map[int64]bool{7: true, 8: false, 9: false, 10: false, 11: false} {
		if _, found, _ := s.Ticket(ctx, number); found != want {
			t.Errorf("ticket %d kept = %v, want %v", number, found, want)
		}
	}
	if subs, _ := s.Subscribers(ctx, ""); len(subs) != 1 || subs[0] != 2 {
		t.Errorf("subscribers after purge = %v, want only the recent user", subs)
	}
	if qs, _ := s.Questions(ctx); len(qs) != 0 {
		t.Error("old unanswered question kept")
	}
	if n < 7 {
		t.Errorf("purged %d records, want at least 7", n)
	}
}

func TestMessageIDsLast48Hours(t *testing.T) {
	ctx := context.Background()
	s, _ := mustOpen(t)
	withSessions(t, s, 5, 6)
	t0 := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	for i, at := range []time.Time{t0, t0.Add(time.Hour), t0.Add(47 * time.Hour)} {
		if err := s.RecordMessage(ctx, 5, 100+i, at); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.RecordMessage(ctx, 6, 300, t0); err != nil {
		t.Fatal(err)
	}
	// 47 hours on, the first message is still within its 48.
	if got, _ := s.RecentMessages(ctx, 5, t0); !slices.Equal(got, []int{100, 101, 102}) {
		t.Fatalf("RecentMessages = %v, want 100 101 102", got)
	}
	// A record in the old one-per-message form, as files before the packed form hold.
	_ = s.update(func(tx *bolt.Tx) error { return tx.Bucket(bucketMessages).Put(s.messageKey(7, 1), timeValue(t0)) })
	if _, err := s.Purge(ctx, t0.Add(-720*time.Hour), t0.Add(49*time.Hour+30*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.RecentMessages(ctx, 5, time.Time{}); !slices.Equal(got, []int{102}) {
		t.Errorf("after the purge chat 5 has %v, want only 102 (the others are past 48 hours)", got)
	}
	if got, _ := s.RecentMessages(ctx, 6, time.Time{}); len(got) != 0 {
		t.Errorf("after the purge chat 6 has %v, want none", got)
	}
	_ = s.view(func(tx *bolt.Tx) error {
		if n := tx.Bucket(bucketMessages).Stats().KeyN; n != 1 {
			t.Errorf("messages bucket has %d records after the purge, want 1 (chat 5)", n)
		}
		return nil
	})
}

// TestForgetMessagesAfterClear: the IDs noted in the journal and those
// already in bbolt are both forgotten, and other chats keep theirs.
func TestForgetMessagesAfterClear(t *testing.T) {
	ctx := context.Background()
	s, _ := mustOpen(t)
	withSessions(t, s, 5, 6)
	now := time.Now()
	for _, m := range []struct {
		chat int64
		id   int
	}{{5, 1}, {6, 2}} {
		if err := s.RecordMessage(ctx, m.chat, m.id, now); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.flush(); err != nil {
		t.Fatal(err)
	}
	if err := s.RecordMessage(ctx, 5, 3, now); err != nil { // still in the journal
		t.Fatal(err)
	}
	if err := s.ForgetMessages(ctx, 5); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.RecentMessages(ctx, 5, time.Time{}); len(got) != 0 {
		t.Errorf("chat 5 still has %v after ForgetMessages", got)
	}
	if got, _ := s.RecentMessages(ctx, 6, time.Time{}); !slices.Equal(got, []int{2}) {
		t.Errorf("chat 6 has %v, want its own [2]", got)
	}
}

// TestPendingCapsEachChat queues a backlog for the advisors' group ahead
// of a woman's reply: Pending must reach her reply, oldest first.
func TestPendingCapsEachChat(t *testing.T) {
	ctx := context.Background()
	s, _ := mustOpen(t)
	var acts []bot.Action
	for range 3 * bot.PendingPerChat {
		acts = append(acts, bot.Action{Chat: -100, Text: "copy"})
	}
	acts = append(acts, bot.Action{Chat: 7, Text: "reply"})
	if err := s.Commit(ctx, bot.Change{EventID: "u1", Actions: acts}); err != nil {
		t.Fatal(err)
	}
	pending, err := s.Pending(ctx, 512)
	if err != nil {
		t.Fatal(err)
	}
	if len(pending) != bot.PendingPerChat+1 || pending[len(pending)-1].Action.Text != "reply" {
		t.Fatalf("Pending returned %d items, last %+v; want %d of the group, then her reply", len(pending), pending[len(pending)-1].Action, bot.PendingPerChat)
	}
	if !slices.IsSortedFunc(pending, func(a, b bot.Queued) int { return cmp.Compare(a.ID, b.ID) }) {
		t.Error("Pending is not oldest first")
	}
}

// TestForgetPressesShareRewrites: a burst of /forget presses must not
// rewrite the whole file once each (every rewrite holds all other calls),
// a /forget with nothing to delete rewrites nothing, and what was
// forgotten is gone from the file once the booked rewrite ran, or at Close.
func TestForgetPressesShareRewrites(t *testing.T) {
	ctx := context.Background()
	s, path := mustOpen(t)
	if err := s.Commit(ctx, bot.Change{Chat: bot.ChatOps{Forget: 424242}}); err != nil {
		t.Fatal(err)
	}
	if n := s.compactions.Load(); n != 0 {
		t.Errorf("/forget with nothing stored rewrote the file %d time(s)", n)
	}
	const marker = "a distinctive screen name that must go"
	for i := range 20 {
		sess := bot.Session{Chat: int64(5000 + i), Lang: "en", Screen: marker}
		if err := s.Commit(ctx, bot.Change{Session: &sess}); err != nil {
			t.Fatal(err)
		}
		if err := s.Commit(ctx, bot.Change{Chat: bot.ChatOps{Forget: sess.Chat}}); err != nil {
			t.Fatal(err)
		}
	}
	if n := s.compactions.Load(); n > 2 {
		t.Errorf("20 /forget presses rewrote the file %d times; want them to share rewrites", n)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(raw, []byte(marker)) {
		t.Error("a forgotten session is still in the file after Close")
	}
}

// TestKeyKeptApart: with the key in a file of its own (a systemd
// credential), the store uses it, writes none beside the database, and
// refuses to start without it rather than make a new one.
func TestKeyKeptApart(t *testing.T) {
	dir := t.TempDir()
	keyFile := filepath.Join(t.TempDir(), "veiviser-key")
	if err := os.WriteFile(keyFile, bytes.Repeat([]byte{7}, 32), 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := OpenWithKey(filepath.Join(dir, "v.db"), keyFile)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(s.hk, bytes.Repeat([]byte{7}, 32)) {
		t.Error("the credential was not used as the key")
	}
	s.Close()
	if _, err := os.Stat(filepath.Join(dir, "v.db.key")); err == nil {
		t.Error("a key was written beside the database")
	}
	if _, err := OpenWithKey(filepath.Join(dir, "v.db"), filepath.Join(dir, "missing")); err == nil {
		t.Error("a missing credential was replaced by a new key")
	}
}

// TestAfterPreviousHoldsAcrossChats: an action queued after the previous
// one waits, with what its chat queued after it, until that one is done.
func TestAfterPreviousHoldsAcrossChats(t *testing.T) {
	ctx := context.Background()
	s, _ := mustOpen(t)
	acts := []bot.Action{
		{Chat: -100, Text: "summary"},
		{Chat: 7, Text: "you are connected", AfterPrevious: true},
		{Chat: 7, Text: "later"},
		{Chat: 8, Text: "someone else"},
	}
	if err := s.Commit(ctx, bot.Change{Actions: acts}); err != nil {
		t.Fatal(err)
	}
	texts := func() []string {
		pending, err := s.Pending(ctx, 10)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, q := range pending {
			out = append(out, q.Action.Text)
		}
		return out
	}
	if got := texts(); !slices.Equal(got, []string{"summary", "someone else"}) {
		t.Fatalf("before the summary is sent: %v", got)
	}
	pending, _ := s.Pending(ctx, 1)
	if err := s.Done(ctx, pending[0].ID); err != nil {
		t.Fatal(err)
	}
	if got := texts(); !slices.Equal(got, []string{"you are connected", "later", "someone else"}) {
		t.Errorf("after the summary is sent: %v", got)
	}
}

// TestOutboxOfThePreviousRelease: records as the release before wrote them
// (no version, no kind) are delivered as they were meant; a record this
// release cannot read whole is refused, not sent as something else.
func TestOutboxOfThePreviousRelease(t *testing.T) {
	ctx := context.Background()
	s, _ := mustOpen(t)
	put := func(id uint64, v string) {
		t.Helper()
		err := s.update(func(tx *bolt.Tx) error {
			return tx.Bucket(bucketOutbox).Put(binary.BigEndian.AppendUint64(nil, id), []byte(v))
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	// Written by the release before this one: its Action fields, nothing else.
	put(1, `{"Action":{"Chat":-100,"Text":"","Buttons":null,"Edit":0,"Lang":"en","Phones":null,"Ticket":3,"Thread":0,"NewTopic":"","Mentions":null,"CopyFrom":7,"CopyMessage":41,"Join":false,"Delete":null,"Discreet":false}}`)
	put(2, `{"Action":{"Chat":7,"Text":"Hei","Edit":12,"Lang":"nb"}}`)
	pending, err := s.Pending(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(pending) != 2 || pending[0].Action.Kind() != bot.KindCopy || pending[0].Action.CopyMessage != 41 || pending[1].Action.Kind() != bot.KindEdit {
		t.Fatalf("old records read as %+v", pending)
	}
	// A field this release does not know (renamed since), or a kind its
	// fields no longer make: refused loudly.
	for _, bad := range []string{
		`{"v":1,"kind":"copy","Action":{"Chat":-100,"CopyFromChat":7,"CopyMessage":41}}`,
		`{"v":1,"kind":"copy","Action":{"Chat":-100,"Text":""}}`,
		`{"v":9,"kind":"send","Action":{"Chat":7,"Text":"from the future"}}`,
	} {
		put(3, bad)
		if got, err := s.Pending(ctx, 10); err == nil || len(got) != 2 {
			t.Errorf("record %s: read %d items, error %v; want the two good ones and an error", bad, len(got), err)
		}
	}
}
