package shell

import "testing"

func TestVisualOrder(t *testing.T) {
	tests := []struct{ in, want string }{
		{"abc", "abc"},
		{"سلام", "مالس"},
		{"برنامج (Intro)", "(Intro) جمانرب"},
		{"اتصلي \u2066116 006\u2069", "\u2069116 006\u2066 يلصتا"},
	}
	for _, tt := range tests {
		if got := visualLine(tt.in); got != tt.want {
			t.Errorf("visualLine(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
