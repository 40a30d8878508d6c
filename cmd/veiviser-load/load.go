package main

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/veiviser/veiviser/bot/telegram/telegramtest"
	"github.com/veiviser/veiviser/content"
	"github.com/veiviser/veiviser/content/devset"
)

// step is one thing a simulated user does: send text or press a button.
type step struct {
	text   string // a message, "/start" included
	data   string // callback data of a button
	expect int    // replies Veiviser sends for it (an echo bot sends one)
}

// conv is one user's conversation.
type conv struct {
	chat  int64
	lang  string
	steps []step
}

// script writes conversations as people have them: /start, the language
// button, a topic, an answer, then free-text questions in her language.
type script struct {
	cat       *content.Catalog
	questions map[string][]string
}

// readQuestions reads the development questions, keyed by language, and
// checks every launch language has some.
func readQuestions(dir string) (map[string][]string, error) {
	qs, err := devset.Read(dir)
	if err != nil {
		return nil, err
	}
	out := devset.ByLang(qs)
	for _, lang := range content.Languages() {
		if len(out[lang]) == 0 {
			return nil, fmt.Errorf("questions: none for %s in %s", lang, dir)
		}
	}
	return out, nil
}

// user is user number i's conversation of msgs steps.
func (s script) user(chat int64, i, msgs int) conv {
	langs := content.Languages()
	lang := langs[i%len(langs)]
	topic := s.cat.Topics[i%len(s.cat.Topics)]
	steps := []step{
		{text: "/start", expect: 1},
		{data: "l:" + lang, expect: 2}, // "language set" and the menu
		{data: "t:" + topic.ID, expect: 1},
		{data: "e:" + topic.Entries[i%len(topic.Entries)], expect: 1},
	}
	qs := s.questions[lang]
	for k := 0; len(steps) < msgs; k++ {
		steps = append(steps, step{text: qs[(i+k)%len(qs)], expect: 1})
	}
	return conv{chat: chat, lang: lang, steps: steps[:min(msgs, len(steps))]}
}

// returning is a user who has started before coming back with a topic,
// an answer and two questions.
func (s script) returning(chat int64, i int) conv {
	c := s.user(chat, i, 6)
	c.steps = c.steps[2:]
	return c
}

// outcome is what one driven load produced.
type outcome struct {
	steps     int
	replies   int
	expected  int
	missing   int // steps without a reply within the timeout
	latencies []time.Duration
	elapsed   time.Duration
}

// add counts one conversation's outcome in o.
func (o *outcome) add(c outcome) {
	o.steps += c.steps
	o.replies += c.replies
	o.expected += c.expected
	o.missing += c.missing
	o.latencies = append(o.latencies, c.latencies...)
}

// drive runs convs with at most workers users active at once, each waiting
// for the replies to a step before the next, until all are done or the
// deadline passes. Latency is from adding the update to the first reply
// reaching the Bot API.
func drive(ctx context.Context, t *tap, convs func(yield func(conv) bool), workers int, echo bool, deadline time.Time, timeout time.Duration) outcome {
	var mu sync.Mutex
	var out outcome
	work := make(chan conv)
	var wg sync.WaitGroup
	start := time.Now()
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := range work {
				o := talk(ctx, t, c, echo, deadline, timeout)
				mu.Lock()
				out.add(o)
				mu.Unlock()
			}
		}()
	}
	for c := range convs {
		if ctx.Err() != nil || time.Now().After(deadline) {
			break
		}
		work <- c
	}
	close(work)
	wg.Wait()
	out.elapsed = time.Since(start)
	return out
}

// talk has one conversation.
func talk(ctx context.Context, t *tap, c conv, echo bool, deadline time.Time, timeout time.Duration) outcome {
	var o outcome
	base := 0
	for _, s := range c.steps {
		if ctx.Err() != nil || time.Now().After(deadline) {
			break
		}
		want := s.expect
		if echo {
			want = 1
		}
		u := telegramtest.Message(c.chat, c.lang, s.text)
		if s.data != "" {
			u = telegramtest.Callback(c.chat, t.buttonMessage(c.chat), s.data)
		}
		added := time.Now()
		t.queue.add(u)
		at := t.wait(c.chat, base+want, timeout)
		o.steps++
		o.expected += want
		if len(at) > base {
			o.latencies = append(o.latencies, at[base].Sub(added))
		}
		if len(at) < base+want {
			o.missing++
			base = len(at)
		} else {
			base += want
		}
	}
	o.replies = t.release(c.chat)
	return o
}
