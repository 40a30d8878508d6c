package main

import (
	"os"
	"testing"
)

// TestMemoryReadsRSS: the RSS comes from /proc where there is one, of
// this process or of another by its pid, and is simply not measured
// elsewhere.
func TestMemoryReadsRSS(t *testing.T) {
	if _, err := os.Stat("/proc/self/status"); err != nil {
		var f figures
		f.memory(0)
		if f.RSSMB != 0 {
			t.Errorf("RSS %v MB without /proc", f.RSSMB)
		}
		t.Skip("no /proc here")
	}
	var self, byPid figures
	self.memory(0)
	byPid.memory(os.Getpid())
	if self.RSSMB <= 0 || byPid.RSSMB <= 0 || self.HeapMB <= 0 {
		t.Errorf("RSS %v MB (by pid %v MB), heap %v MB: want all above 0", self.RSSMB, byPid.RSSMB, self.HeapMB)
	}
}
