package ai.kimitornado.tasks.backend.java;

import ai.kimitornado.tasks.api.WorkGroupState;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One work-group on the JVM: its shared local arrays (by allocation order) and a barrier over its
 * {@code parties} work-items. A work-item that finishes while others wait at a barrier breaks it
 * (barrier divergence is undefined on devices; here it is an error, not a hang), and so does a
 * work-item that fails.
 */
final class GroupState implements WorkGroupState {
    private final int parties;
    private final String kernel;
    private final List<Object> locals = new ArrayList<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition advanced = lock.newCondition();
    private int arrived;
    private int finished;
    private long generation;
    private String broken;

    GroupState(int parties, String kernel) {
        this.parties = parties;
        this.kernel = kernel;
    }

    @Override
    public void barrier() {
        lock.lock();
        try {
            if (broken != null) throw new IllegalStateException(broken);
            if (finished > 0) {
                breakBarrier("barrier divergence in " + kernel + ": " + finished + " work-item(s) of the group finished without reaching barrier #" + (generation + 1));
                throw new IllegalStateException(broken);
            }
            long gen = generation;
            if (++arrived == parties) {
                arrived = 0;
                generation++;
                advanced.signalAll();
                return;
            }
            while (gen == generation && broken == null) advanced.awaitUninterruptibly();
            if (gen == generation) throw new IllegalStateException(broken);
        } finally {
            lock.unlock();
        }
    }

    /** Called when a work-item returns (normally or not). */
    void workItemFinished(Throwable failure) {
        lock.lock();
        try {
            finished++;
            if (failure != null) breakBarrier("another work-item of the group failed: " + failure);
            else if (arrived > 0) breakBarrier("barrier divergence in " + kernel + ": a work-item finished while " + arrived + " wait at barrier #" + (generation + 1));
        } finally {
            lock.unlock();
        }
    }

    private void breakBarrier(String why) {
        if (broken == null) broken = why;
        advanced.signalAll();
    }

    private int[] warpScratch;

    @Override
    public int[] warpScratch(int groupSize) {
        lock.lock();
        try {
            if (warpScratch == null) {
                warpScratch = new int[groupSize];
            }
            return warpScratch;
        } finally {
            lock.unlock();
        }
    }

    private int[] mmaScratch;

    @Override
    public int[] mmaScratch(int groupSize) {
        lock.lock();
        try {
            if (mmaScratch == null) {
                mmaScratch = new int[groupSize * ai.kimitornado.tasks.api.MmaBf16Tile.INTS_PER_LANE];
            }
            return mmaScratch;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Object localArray(int ordinal, Class<?> componentType, int length) {
        lock.lock();
        try {
            while (locals.size() <= ordinal) locals.add(null);
            Object a = locals.get(ordinal);
            if (a == null) {
                a = java.lang.reflect.Array.newInstance(componentType, length);
                locals.set(ordinal, a);
            } else if (a.getClass().componentType() != componentType || java.lang.reflect.Array.getLength(a) != length) {
                throw new IllegalStateException(kernel + ": local array #" + ordinal + " allocated as " + componentType
                        + "[" + length + "] by one work-item and " + a.getClass().componentType() + "["
                        + java.lang.reflect.Array.getLength(a) + "] by another");
            }
            return a;
        } finally {
            lock.unlock();
        }
    }
}
