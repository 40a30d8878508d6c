package store

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"strconv"

	bolt "go.etcd.io/bbolt"

	"github.com/veiviser/veiviser/bot"
)

func ticketKey(n int64) []byte { return binary.BigEndian.AppendUint64(nil, uint64(n)) }

func threadKey(thread int) []byte { return []byte("t" + strconv.Itoa(thread)) }

// putTicket stores a ticket and indexes its thread (forum topic or summary
// message), so an advisor's message in the group finds its ticket.
func putTicket(tx *bolt.Tx, t bot.Ticket) error {
	v, err := json.Marshal(t)
	if err != nil {
		return err
	}
	if err := tx.Bucket(bucketTickets).Put(ticketKey(t.Number), v); err != nil {
		return err
	}
	if t.Thread != 0 {
		return tx.Bucket(bucketThreads).Put(threadKey(t.Thread), ticketKey(t.Number))
	}
	return nil
}

// applyTicket changes a stored ticket; a ticket gone (forgotten, purged)
// stays gone.
func applyTicket(tx *bolt.Tx, op bot.TicketOp) error {
	t, found, err := getTicket(tx, op.Number)
	if err != nil || !found || !op.Apply(&t) {
		return err
	}
	t.Number = op.Number
	return putTicket(tx, t)
}

func getTicket(tx *bolt.Tx, n int64) (bot.Ticket, bool, error) {
	v := tx.Bucket(bucketTickets).Get(ticketKey(n))
	if v == nil {
		return bot.Ticket{}, false, nil
	}
	var t bot.Ticket
	err := json.Unmarshal(v, &t)
	return t, err == nil, err
}

// Ticket returns a ticket by number.
func (s *Store) Ticket(_ context.Context, n int64) (bot.Ticket, bool, error) {
	var t bot.Ticket
	var found bool
	err := s.view(func(tx *bolt.Tx) error {
		var err error
		t, found, err = getTicket(tx, n)
		return err
	})
	if err != nil {
		return bot.Ticket{}, false, fmt.Errorf("read ticket: %w", err)
	}
	return t, found, nil
}

// TicketByThread finds the ticket a group message belongs to: by its forum
// topic, or by the ticket message it replies to.
func (s *Store) TicketByThread(_ context.Context, thread int) (bot.Ticket, bool, error) {
	var t bot.Ticket
	var found bool
	err := s.view(func(tx *bolt.Tx) error {
		k := tx.Bucket(bucketThreads).Get(threadKey(thread))
		if k == nil {
			return nil
		}
		var err error
		t, found, err = getTicket(tx, int64(binary.BigEndian.Uint64(k)))
		return err
	})
	if err != nil {
		return bot.Ticket{}, false, fmt.Errorf("read ticket: %w", err)
	}
	return t, found, nil
}

// LinkThread records that a group message or topic belongs to a ticket; the
// sender calls it with what Telegram answered.
func (s *Store) LinkThread(_ context.Context, ticket int64, thread int, anchor bool) error {
	err := s.update(func(tx *bolt.Tx) error {
		if anchor {
			t, found, err := getTicket(tx, ticket)
			if err != nil || !found {
				return err
			}
			t.Thread = thread
			return putTicket(tx, t)
		}
		return tx.Bucket(bucketThreads).Put(threadKey(thread), ticketKey(ticket))
	})
	if err != nil {
		return fmt.Errorf("link thread: %w", err)
	}
	return nil
}

// Tickets returns the tickets in a state ("" for all), oldest first.
func (s *Store) Tickets(_ context.Context, state string) ([]bot.Ticket, error) {
	return list(s, bucketTickets, func(t bot.Ticket) bool { return state == "" || t.State == state })
}

// NextTicketNumber hands out ticket numbers, 1, 2, 3…
func (s *Store) NextTicketNumber(_ context.Context) (int64, error) {
	var n uint64
	err := s.update(func(tx *bolt.Tx) error {
		var err error
		n, err = tx.Bucket(bucketTickets).NextSequence()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("ticket number: %w", err)
	}
	return int64(n), nil
}

// deleteTickets removes every ticket of a chat and its thread links.
func deleteTickets(tx *bolt.Tx, chat int64) ([]bot.Ticket, error) {
	return deleteTicketsWhere(tx, func(t bot.Ticket) bool { return t.Chat == chat })
}

// deleteTicketsWhere removes the tickets doomed picks, with their thread
// links, and returns them.
func deleteTicketsWhere(tx *bolt.Tx, doomed func(bot.Ticket) bool) ([]bot.Ticket, error) {
	var gone []bot.Ticket
	err := tx.Bucket(bucketTickets).ForEach(func(_, v []byte) error {
		var t bot.Ticket
		if err := json.Unmarshal(v, &t); err == nil && doomed(t) {
			gone = append(gone, t)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, t := range gone {
		if err := deleteTicket(tx, t); err != nil {
			return nil, err
		}
	}
	return gone, nil
}

// deleteTicket removes a ticket and the links of its thread.
func deleteTicket(tx *bolt.Tx, t bot.Ticket) error {
	if err := tx.Bucket(bucketTickets).Delete(ticketKey(t.Number)); err != nil {
		return err
	}
	threads := tx.Bucket(bucketThreads)
	var links [][]byte
	_ = threads.ForEach(func(k, v []byte) error {
		if int64(binary.BigEndian.Uint64(v)) == t.Number {
			links = append(links, append([]byte(nil), k...))
		}
		return nil
	})
	for _, k := range links {
		if err := threads.Delete(k); err != nil {
			return err
		}
	}
	return nil
}

func putAdvisor(tx *bolt.Tx, a bot.Advisor) error {
	v, err := json.Marshal(a)
	if err != nil {
		return err
	}
	return tx.Bucket(bucketAdvisors).Put(binary.BigEndian.AppendUint64(nil, uint64(a.User)), v)
}

// Advisors returns the advisors who registered their languages.
func (s *Store) Advisors(_ context.Context) ([]bot.Advisor, error) {
	return list[bot.Advisor](s, bucketAdvisors, nil)
}
