package ai.mlpzoo.sae.training;

/**
 * Tracks, per latent, how many rows (tokens) went by since it last fired; a latent is dead after
 * {@code threshold} rows of silence (OpenAI and sparsify count tokens, not steps, so the notion
 * does not depend on the batch size).
 */
public final class DeadLatents {

    private final long[] sinceFired;
    private final long threshold;

    /**
     * Creates the tracker; every latent starts alive.
     *
     * @param dSae the dictionary size
     * @param threshold rows without firing after which a latent is dead
     */
    public DeadLatents(int dSae, long threshold) {
        this.sinceFired = new long[dSae];
        this.threshold = threshold;
    }

    /**
     * Records one batch.
     *
     * @param fired per latent, whether it fired on any row of the batch (d_sae)
     * @param rows the number of rows in the batch
     */
    public void update(boolean[] fired, long rows) {
        for (int i = 0; i < sinceFired.length; i++) {
            sinceFired[i] = fired[i] ? 0 : sinceFired[i] + rows;
        }
    }

    /**
     * @return per latent, whether it is dead
     */
    public boolean[] deadMask() {
        boolean[] dead = new boolean[sinceFired.length];
        for (int i = 0; i < dead.length; i++) {
            dead[i] = sinceFired[i] >= threshold;
        }
        return dead;
    }

    /**
     * @return the number of dead latents
     */
    public int deadCount() {
        int n = 0;
        for (long s : sinceFired) {
            n += s >= threshold ? 1 : 0;
        }
        return n;
    }

    /**
     * @return the fraction of dead latents
     */
    public double deadFraction() {
        return deadCount() / (double) sinceFired.length;
    }
}
