package serve

import (
	"strings"
	"testing"
)

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		env  []string
		want string
	}{
		{"NoToken", nil, "TELEGRAM_TOKEN is required"},
		{"BadToken", []string{"TELEGRAM_TOKEN=abc"}, "does not look like a bot token"},
		{"BadLimits", []string{"TELEGRAM_TOKEN=1:abcdefghij", "VEIVISER_SEND_LIMITS=chat=fast"}, "VEIVISER_SEND_LIMITS"},
		{"BadRetention", []string{"TELEGRAM_TOKEN=1:abcdefghij", "VEIVISER_RETENTION=a month"}, "VEIVISER_RETENTION"},
		{"AdvisorsNotNumbers", []string{"TELEGRAM_TOKEN=1:abcdefghij", "VEIVISER_ADVISORS=12,amina"}, "VEIVISER_ADVISORS"},
		{"AdvisorChatPositive", []string{"TELEGRAM_TOKEN=1:abcdefghij", "VEIVISER_ADVISOR_CHAT=42"}, "VEIVISER_ADVISOR_CHAT"},
		{"StaffNotNumbers", []string{"TELEGRAM_TOKEN=1:abcdefghij", "VEIVISER_STAFF=anna"}, "VEIVISER_STAFF"},
		{"WebhookWithoutSecret", []string{"TELEGRAM_TOKEN=1:abcdefghij", "VEIVISER_WEBHOOK_URL=https://x.org/h"}, "VEIVISER_WEBHOOK_SECRET"},
		{"WebhookHTTP", []string{"TELEGRAM_TOKEN=1:abcdefghij", "VEIVISER_WEBHOOK_URL=http://x.org/h"}, "https://"},
		{"TokenWithSpace", []string{"TELEGRAM_TOKEN=1:abc defghij"}, "does not look like a bot token"},
		{"APIURLNotAURL", []string{"TELEGRAM_TOKEN=1:abcdefghij", "TELEGRAM_API_URL=api.telegram.org"}, "TELEGRAM_API_URL must be"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(nil, tt.env)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Parse error = %v, want it to mention %q", err, tt.want)
			}
		})
	}
	cfg, err := Parse([]string{"--veiviser-db", "flag.db"}, []string{"TELEGRAM_TOKEN=1:abcdefghij", "VEIVISER_DB=env.db"})
	if err != nil || cfg.DB != "flag.db" {
		t.Errorf("flag should win over env: db = %q, err = %v", cfg.DB, err)
	}
	// A token from an env file written on Windows ends in \r.
	if cfg, err := Parse(nil, []string{"TELEGRAM_TOKEN=1:abcdefghij\r"}); err != nil || cfg.Telegram.Token != "1:abcdefghij" {
		t.Errorf("token with a trailing CR: %q, %v", cfg.Telegram.Token, err)
	}
	// The token is never a flag: command lines are visible to everyone (ps).
	if _, err := Parse([]string{"--telegram-token", "1:abcdefghij"}, nil); err == nil {
		t.Error("--telegram-token accepted as a flag")
	}
}
