//! The pool of home cells: a segment tree over cell indices where every node
//! knows the longest free run inside its span and the free runs touching
//! either edge, which is enough to find the lowest run of `w` free cells by
//! a single descent.

pub(crate) struct CellPool {
    /// Number of leaves, a power of two; node 1 is the root and node `n`
    /// has children `2n` and `2n + 1`.
    leaves: usize,
    /// Free cells at the start of each node's span.
    prefix: Vec<u32>,
    /// Free cells at the end of each node's span.
    suffix: Vec<u32>,
    /// Longest run of free cells anywhere in each node's span.
    best: Vec<u32>,
    /// One past the highest cell ever handed out.
    high_water: u32,
}

impl CellPool {
    /// A pool able to serve any sequence of requests whose widths sum to at
    /// most `capacity`: lowest-first placement never starts a run beyond the
    /// high-water mark, so the mark never exceeds the widths handed out.
    pub(crate) fn new(capacity: usize) -> Self {
        let leaves = capacity.max(1).next_power_of_two();
        // Everything starts free, so each node's three lengths are its span.
        let spans: Vec<u32> = (0..2 * leaves)
            .map(|node| match node {
                0 => 0,
                _ => (leaves >> node.ilog2()) as u32,
            })
            .collect();
        CellPool {
            leaves,
            prefix: spans.clone(),
            suffix: spans.clone(),
            best: spans,
            high_water: 0,
        }
    }

    /// Number of cells ever in use at once, counting from cell 0.
    pub(crate) fn high_water(&self) -> u32 {
        self.high_water
    }

    /// Takes the lowest run of `width` free cells and returns its first cell.
    pub(crate) fn acquire(&mut self, width: u32) -> u32 {
        let cell = self
            .lowest_run(width)
            .expect("the pool is sized for the sum of all widths");
        self.mark(cell, width, false);
        self.high_water = self.high_water.max(cell + width);
        cell
    }

    /// Returns `width` cells starting at `cell` to the pool.
    pub(crate) fn release(&mut self, cell: u32, width: u32) {
        self.mark(cell, width, true);
    }

    fn lowest_run(&self, width: u32) -> Option<u32> {
        if self.best[1] < width {
            return None;
        }
        let (mut node, mut first, mut span) = (1, 0, self.leaves);
        while node < self.leaves {
            let (left, right) = (2 * node, 2 * node + 1);
            span /= 2;
            if self.best[left] >= width {
                node = left;
            } else if self.suffix[left] + self.prefix[right] >= width {
                // A run wholly inside the left half would have been found
                // above, so the lowest run is the one straddling the middle.
                return Some((first + span) as u32 - self.suffix[left]);
            } else {
                node = right;
                first += span;
            }
        }
        Some(first as u32)
    }

    fn mark(&mut self, cell: u32, width: u32, free: bool) {
        let leaves = self.leaves;
        for leaf in (cell..cell + width).map(|c| leaves + c as usize) {
            let value = u32::from(free);
            self.prefix[leaf] = value;
            self.suffix[leaf] = value;
            self.best[leaf] = value;
            let (mut node, mut half) = (leaf / 2, 1);
            while node >= 1 {
                self.pull(node, half);
                node /= 2;
                half *= 2;
            }
        }
    }

    /// Recomputes `node` from its children, each spanning `half` cells.
    fn pull(&mut self, node: usize, half: u32) {
        let (left, right) = (2 * node, 2 * node + 1);
        self.prefix[node] = match self.prefix[left] {
            p if p == half => half + self.prefix[right],
            p => p,
        };
        self.suffix[node] = match self.suffix[right] {
            s if s == half => half + self.suffix[left],
            s => s,
        };
        self.best[node] = self.best[left]
            .max(self.best[right])
            .max(self.suffix[left] + self.prefix[right]);
    }
}
