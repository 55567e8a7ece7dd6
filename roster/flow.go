package roster

// dinic is Dinic's maximum-flow algorithm over an adjacency list of paired
// arcs (arc i and i^1 are each other's reverse).
type dinic struct {
	head  []int32
	next  []int32
	to    []int32
	cap   []int32
	level []int32
	iter  []int32
	queue []int32
}

func newDinic(n int) *dinic {
	d := &dinic{head: make([]int32, n), level: make([]int32, n), iter: make([]int32, n)}
	for i := range d.head {
		d.head[i] = -1
	}
	return d
}

// addArc adds u→v with capacity c and returns the arc's index.
func (d *dinic) addArc(u, v, c int) int {
	i := len(d.to)
	d.to = append(d.to, int32(v), int32(u))
	d.cap = append(d.cap, int32(c), 0)
	d.next = append(d.next, d.head[u], d.head[v])
	d.head[u] = int32(i)
	d.head[v] = int32(i + 1)
	return i
}

// flow on arc i (its reverse's residual capacity).
func (d *dinic) flow(i int) int { return int(d.cap[i^1]) }

func (d *dinic) bfs(s, t int) bool {
	for i := range d.level {
		d.level[i] = -1
	}
	d.queue = append(d.queue[:0], int32(s))
	d.level[s] = 0
	for q := 0; q < len(d.queue); q++ {
		u := d.queue[q]
		for e := d.head[u]; e >= 0; e = d.next[e] {
			if d.cap[e] > 0 && d.level[d.to[e]] < 0 {
				d.level[d.to[e]] = d.level[u] + 1
				d.queue = append(d.queue, d.to[e])
			}
		}
	}
	return d.level[t] >= 0
}

func (d *dinic) dfs(u, t int32, f int32) int32 {
	if u == t {
		return f
	}
	for ; d.iter[u] >= 0; d.iter[u] = d.next[d.iter[u]] {
		e := d.iter[u]
		v := d.to[e]
		if d.cap[e] > 0 && d.level[v] == d.level[u]+1 {
			if got := d.dfs(v, t, min(f, d.cap[e])); got > 0 {
				d.cap[e] -= got
				d.cap[e^1] += got
				return got
			}
		}
	}
	return 0
}

// maxFlow pushes as much as it can from s to t and returns the amount.
func (d *dinic) maxFlow(s, t int) int {
	total := 0
	for d.bfs(s, t) {
		copy(d.iter, d.head)
		for {
			f := d.dfs(int32(s), int32(t), 1<<30)
			if f == 0 {
				break
			}
			total += int(f)
		}
	}
	return total
}
