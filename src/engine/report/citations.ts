/**
 * References of the algorithms and statistics ScopePilot uses, cited in METHODS.md. Keys are
 * stable ids; the threshold registry's own citation (ops/threshold/registry) wins when present.
 */
export const CITATIONS: Record<string, string> = {
  otsu: 'Otsu N. (1979) A threshold selection method from gray-level histograms. IEEE Trans Syst Man Cybern 9:62-66.',
  li: 'Li C.H., Tam P.K.S. (1998) An iterative algorithm for minimum cross entropy thresholding. Pattern Recognit Lett 19:771-776.',
  triangle:
    'Zack G.W., Rogers W.E., Latt S.A. (1977) Automatic measurement of sister chromatid exchange frequency. J Histochem Cytochem 25:741-753.',
  yen: 'Yen J.C., Chang F.J., Chang S. (1995) A new criterion for automatic multilevel thresholding. IEEE Trans Image Process 4:370-378.',
  isodata: 'Ridler T.W., Calvard S. (1978) Picture thresholding using an iterative selection method. IEEE Trans Syst Man Cybern 8:630-632.',
  minimum: 'Prewitt J.M.S., Mendelsohn M.L. (1966) The analysis of cell images. Ann N Y Acad Sci 128:1035-1053.',
  mean: 'Glasbey C.A. (1993) An analysis of histogram-based thresholding algorithms. CVGIP Graph Models Image Process 55:532-537.',
  huang: 'Huang L.-K., Wang M.-J.J. (1995) Image thresholding by minimizing the measures of fuzziness. Pattern Recognit 28:41-51.',
  kapur:
    'Kapur J.N., Sahoo P.K., Wong A.K.C. (1985) A new method for gray-level picture thresholding using the entropy of the histogram. Comput Vis Graph Image Process 29:273-285.',
  sauvola: 'Sauvola J., Pietikainen M. (2000) Adaptive document image binarization. Pattern Recognit 33:225-236.',
  niblack: 'Niblack W. (1986) An Introduction to Digital Image Processing. Prentice-Hall.',
  gaussian:
    'Gaussian smoothing (separable kernel truncated at 4 sigma), as scipy.ndimage.gaussian_filter: Virtanen P. et al. (2020) SciPy 1.0. Nat Methods 17:261-272.',
  rollingBall: 'Sternberg S.R. (1983) Biomedical image processing. Computer 16:22-34.',
  tophat: 'Serra J. (1982) Image Analysis and Mathematical Morphology. Academic Press.',
  watershed:
    'Beucher S., Meyer F. (1993) The morphological approach to segmentation: the watershed transformation. In: Mathematical Morphology in Image Processing, 433-481.',
  edt: 'Felzenszwalb P.F., Huttenlocher D.P. (2012) Distance transforms of sampled functions. Theory Comput 8:415-428.',
  propagate:
    'Jones T.R., Carpenter A.E., Golland P. (2005) Voronoi-based segmentation of cells on image manifolds. CVBIA, LNCS 3765:535-543.',
  cellprofiler:
    'Stirling D.R. et al. (2021) CellProfiler 4: improvements in speed, utility and usability. BMC Bioinformatics 22:433 (measurement names).',
  bootstrap: 'Efron B., Tibshirani R.J. (1993) An Introduction to the Bootstrap. Chapman & Hall.',
  welch:
    'Welch B.L. (1947) The generalization of "Student\'s" problem when several different population variances are involved. Biometrika 34:28-35.',
  permutation: 'Good P. (2005) Permutation, Parametric and Bootstrap Tests of Hypotheses, 3rd ed. Springer.',
  hedges: "Hedges L.V. (1981) Distribution theory for Glass's estimator of effect size and related estimators. J Educ Stat 6:107-128.",
  zprime:
    'Zhang J.-H., Chung T.D.Y., Oldenburg K.R. (1999) A simple statistical parameter for use in evaluation and validation of high throughput screening assays. J Biomol Screen 4:67-73.',
  robustZ:
    'Birmingham A. et al. (2009) Statistical methods for analysis of high-throughput RNA interference screens. Nat Methods 6:569-575.',
  lazic: 'Lazic S.E. (2010) The problem of pseudoreplication in neuroscientific studies. BMC Neurosci 11:5.',
  checklist: 'Schmied C. et al. (2024) Community-developed checklists for publishing images and image analyses. Nat Methods 21:170-181.',
  rembi: 'Sarkans U. et al. (2021) REMBI: Recommended Metadata for Biological Images. Nat Methods 18:1418-1422.',
  jost: 'Jost A.P.-T., Waters J.C. (2019) Designing a rigorous microscopy experiment: validating methods and avoiding bias. J Cell Biol 218:1452-1466.',
  dsb: 'Caicedo J.C. et al. (2019) Nucleus segmentation across imaging experiments: the 2018 Data Science Bowl. Nat Methods 16:1247-1253.',
};

/** Plain-words names of the threshold methods (when the registry is not loaded). */
export const THRESHOLD_NAMES: Record<string, string> = {
  otsu: 'Otsu',
  li: 'Li minimum cross entropy',
  triangle: 'triangle',
  yen: 'Yen',
  isodata: 'IsoData (Ridler-Calvard)',
  minimum: 'minimum (bimodal valley)',
  mean: 'mean',
  huang: 'Huang',
  kapur: 'maximum entropy (Kapur)',
  sauvola: 'Sauvola (local)',
  niblack: 'Niblack (local)',
};
